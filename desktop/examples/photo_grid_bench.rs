//! What a room's photo grid costs: N 12 MP JPEGs in a blob store, each thumbnail asked for
//! through the `media:` handler the window uses (`media::respond`), first when it has to be
//! made and then again once it is cached.
//!
//! ```sh
//! cargo run --release -p unitcycle-desktop --example photo_grid_bench -- --photos 500
//! ```
//!
//! Prints ms/photo for each pass, the thumbnail cache's size on disk and the bytes a grid
//! downloads (thumbnails against full photos).

use std::time::{Duration, Instant};

use unitcycle_core::blobs::BlobStore;
use unitcycle_desktop::media;

/// 12 MP, 4:3.
const WIDTH: u32 = 4000;
const HEIGHT: u32 = 3000;

fn arg(name: &str, default: usize) -> usize {
    let args: Vec<String> = std::env::args().collect();
    args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// A 12 MP photo-like JPEG, different for each `n` (a shaded gradient with a grid of edges, so
/// it compresses like a room photo rather than a flat colour).
fn photo(n: usize) -> Vec<u8> {
    let shift = (n * 37 % 255) as u32;
    let img = image::RgbImage::from_fn(WIDTH, HEIGHT, |x, y| {
        let edge = if (x / 50 + y / 50) % 2 == 0 { 40 } else { 0 };
        let r = ((x * 255 / WIDTH + shift) % 256) as u8;
        let g = ((y * 255 / HEIGHT + shift / 2) % 256) as u8;
        let b = (((x + y) / 40 + shift) % 200) as u8 + edge as u8;
        image::Rgb([r, g, b])
    });
    let mut out = Vec::new();
    let mut enc = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 85);
    enc.encode_image(&img).expect("encode a JPEG in memory");
    out
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn dir_size(dir: &std::path::Path) -> u64 {
    std::fs::read_dir(dir)
        .map(|entries| entries.flatten().filter_map(|e| e.metadata().ok()).map(|m| m.len()).sum())
        .unwrap_or(0)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let n = arg("--photos", 500).max(1);
    let tmp = tempfile::tempdir()?;
    let blobs = BlobStore::new(tmp.path().join("blobs"));
    println!("photo grid bench: {n} photos of {WIDTH}x{HEIGHT} ({} MP)", WIDTH * HEIGHT / 1_000_000);

    // Encoding 12 MP JPEGs is the slow part of the set-up: a few distinct ones, each stored
    // under several names by changing one trailing byte (still a valid JPEG, a distinct blob).
    let started = Instant::now();
    let distinct: Vec<Vec<u8>> = (0..n.min(8)).map(photo).collect();
    let mut hashes = Vec::with_capacity(n);
    let mut photo_bytes = 0u64;
    for i in 0..n {
        let mut bytes = distinct[i % distinct.len()].clone();
        bytes.extend_from_slice(&(i as u64).to_le_bytes());
        bytes.extend_from_slice(&[0xFF, 0xD9]);
        photo_bytes += bytes.len() as u64;
        hashes.push(blobs.put(&bytes)?);
    }
    println!(
        "set-up: {n} photos stored ({:.1} MB, mean {:.1} MB) in {:.1} s",
        photo_bytes as f64 / 1e6,
        photo_bytes as f64 / 1e6 / n as f64,
        started.elapsed().as_secs_f64()
    );

    let pass = |label: &str| -> Result<(Duration, Duration, u64), Box<dyn std::error::Error>> {
        let mut total = Duration::ZERO;
        let mut worst = Duration::ZERO;
        let mut bytes = 0u64;
        for h in &hashes {
            let t = Instant::now();
            let r = media::respond(&blobs, &format!("/thumb/{h}"));
            let took = t.elapsed();
            if r.status() != 200 {
                return Err(format!("thumbnail of {h}: HTTP {}", r.status()).into());
            }
            bytes += r.body().len() as u64;
            total += took;
            worst = worst.max(took);
        }
        println!(
            "{label:<28} {:>8.2} ms/photo   max {:>8.2} ms   total {:>8.1} s",
            ms(total) / n as f64,
            ms(worst),
            total.as_secs_f64()
        );
        Ok((total, worst, bytes))
    };

    let (first, _, thumb_bytes) = pass("first request (made)")?;
    let (cached, _, _) = pass("cached (read from disk)")?;
    let cache = dir_size(&media::thumbs_dir(&blobs));
    println!(
        "thumbnail cache: {:.2} MB for {n} photos ({:.1} kB each); a full grid downloads {:.2} MB instead of {:.1} MB",
        cache as f64 / 1e6,
        cache as f64 / 1e3 / n as f64,
        thumb_bytes as f64 / 1e6,
        photo_bytes as f64 / 1e6
    );
    println!("speed-up of a cached thumbnail: {:.0}x", first.as_secs_f64() / cached.as_secs_f64().max(1e-9));
    Ok(())
}
