//! Invoice AI extraction (spec 3.2) on the server: the endpoints. Storage is the maintenance
//! port (`crate::maintenance::adapter`), the PDFs are blobs.

pub mod api;
