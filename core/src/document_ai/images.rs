//! The picture on a scanned page: the largest image the page draws, as JPEG (a scanner's
//! `DCTDecode` image is passed through untouched) or PNG (an 8-bit RGB or grey image, inflated
//! within the stream cap). The review screens show it where a page has no text to draw, and a
//! vision model can be sent it. Other encodings (CCITT fax, JBIG2, indexed colour) are not
//! converted: `None`, and the screen says the page is a scan it cannot show.

use std::io::Cursor;

use lopdf::{Document as Pdf, Object};
use serde::{Deserialize, Serialize};

use super::read::page_resources;
use super::{DocumentError, MAX_STREAM_BYTES};

/// One page's picture.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct PageImage {
    /// 1-based.
    pub page: u32,
    /// `image/jpeg` or `image/png`.
    pub media_type: String,
    pub width: u32,
    pub height: u32,
    #[serde(with = "serde_bytes_b64")]
    #[specta(type = String)]
    pub data: Vec<u8>,
}

/// Base64 in JSON, bytes in Rust.
mod serde_bytes_b64 {
    use base64::Engine;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(b: &[u8], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&base64::engine::general_purpose::STANDARD.encode(b))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
        let text = String::deserialize(d)?;
        base64::engine::general_purpose::STANDARD.decode(text).map_err(serde::de::Error::custom)
    }
}

fn filters(obj: Option<&Object>) -> Vec<Vec<u8>> {
    match obj {
        Some(Object::Name(n)) => vec![n.clone()],
        Some(Object::Array(a)) => a.iter().filter_map(|o| o.as_name().ok().map(<[u8]>::to_vec)).collect(),
        _ => Vec::new(),
    }
}

/// The picture of page `page` (1-based) of `bytes`, when it draws one this can convert.
pub fn page_image(bytes: &[u8], page: u32) -> Result<Option<PageImage>, DocumentError> {
    let pdf = Pdf::load_mem(bytes).map_err(|e| DocumentError::Unreadable(e.to_string()))?;
    let Some(id) = pdf.get_pages().get(&page).copied() else { return Ok(None) };
    let Ok(dict) = pdf.get_dictionary(id) else { return Ok(None) };
    let Some(xobjects) =
        page_resources(&pdf, dict).and_then(|r| r.get_deref(b"XObject", &pdf).ok()).and_then(|x| x.as_dict().ok())
    else {
        return Ok(None);
    };
    let int = |s: &lopdf::Stream, k: &[u8]| s.dict.get_deref(k, &pdf).ok().and_then(|o| o.as_i64().ok());
    let largest = xobjects
        .iter()
        .filter_map(|(_, o)| pdf.dereference(o).ok().and_then(|(_, o)| o.as_stream().ok()))
        .filter(|s| s.dict.get(b"Subtype").and_then(Object::as_name).is_ok_and(|n| n == b"Image"))
        .max_by_key(|s| int(s, b"Width").unwrap_or(0) * int(s, b"Height").unwrap_or(0));
    let Some(stream) = largest else { return Ok(None) };
    let (Some(w), Some(h)) = (int(stream, b"Width"), int(stream, b"Height")) else { return Ok(None) };
    let (width, height) = (u32::try_from(w).unwrap_or(0), u32::try_from(h).unwrap_or(0));
    if width == 0 || height == 0 || u64::from(width) * u64::from(height) * 3 > MAX_STREAM_BYTES as u64 {
        return Ok(None);
    }
    let filter = filters(stream.dict.get(b"Filter").ok());
    if filter.last().is_some_and(|f| f == b"DCTDecode") && filter.len() == 1 {
        let data = stream.content.clone();
        return Ok(Some(PageImage { page, media_type: "image/jpeg".into(), width, height, data }));
    }
    if int(stream, b"BitsPerComponent") != Some(8) || filter.iter().any(|f| f != b"FlateDecode") {
        return Ok(None);
    }
    let space = stream.dict.get_deref(b"ColorSpace", &pdf).ok().and_then(|o| o.as_name().ok().map(<[u8]>::to_vec));
    let raw = match stream.get_plain_content_with_limit(MAX_STREAM_BYTES) {
        Ok(raw) => raw,
        Err(lopdf::Error::Decompress(lopdf::DecompressError::MemoryLimitExceeded { .. })) => {
            return Err(DocumentError::StreamTooLarge { max: MAX_STREAM_BYTES })
        }
        Err(_) => return Ok(None),
    };
    let image = match space.as_deref() {
        Some(b"DeviceRGB") => image::RgbImage::from_raw(width, height, raw).map(image::DynamicImage::ImageRgb8),
        Some(b"DeviceGray") => image::GrayImage::from_raw(width, height, raw).map(image::DynamicImage::ImageLuma8),
        _ => None,
    };
    let Some(image) = image else { return Ok(None) };
    let mut data = Vec::new();
    if image.write_to(&mut Cursor::new(&mut data), image::ImageFormat::Png).is_err() {
        return Ok(None);
    }
    Ok(Some(PageImage { page, media_type: "image/png".into(), width, height, data }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document_ai::samples::{demo_invoice, invoice_pdf, scanned_pdf, Layout};

    #[test]
    fn a_scanned_page_gives_its_picture_and_a_text_page_none() {
        let img = page_image(&scanned_pdf(), 1).unwrap().expect("the scan's picture");
        assert_eq!((img.width, img.height, img.page), (85, 110, 1));
        let decoded = image::load_from_memory(&img.data).unwrap();
        assert_eq!((decoded.width(), decoded.height()), (85, 110));
        assert_eq!(page_image(&invoice_pdf(&demo_invoice(1), Layout::UsClassic), 1).unwrap(), None);
        assert_eq!(page_image(&scanned_pdf(), 7).unwrap(), None, "no such page");
    }
}
