//! Photo quality, measured on the device from the pixels (spec 4.4's quality check, offline).
//!
//! Three measurements on a grey-scale copy scaled to at most 1024 pixels on its long side:
//! - **sharpness**: the variance of the 4-neighbour Laplacian (edges give large second
//!   derivatives; a blurred photo has few);
//! - **exposure**: mean luminance (0–255) and the share of pixels clipped to black or white;
//! - **resolution**: the original width × height.
//!
//! Thresholds (below) decide the issues; any issue makes the photo not acceptable and comes
//! with a suggestion to retake. Files that cannot be a usable photo (not an image, truncated,
//! too large to decode safely) are refused with a `PhotoError` before anything is stored.

use std::io::Cursor;

use serde::{Deserialize, Serialize};

use crate::model::string_enum;

/// A sharper photo has a Laplacian variance at or above this.
pub const MIN_SHARPNESS: f64 = 80.0;
/// Mean luminance below this is too dark to judge condition.
pub const MIN_MEAN_LUMINANCE: f64 = 55.0;
/// Mean luminance above this is washed out.
pub const MAX_MEAN_LUMINANCE: f64 = 215.0;
/// More than this share of pixels at pure black (≤ 8) means the shadows hide detail.
pub const MAX_CLIPPED_DARK: f64 = 0.40;
/// More than this share of pixels at pure white (≥ 247) means glare or a window blew out.
pub const MAX_CLIPPED_BRIGHT: f64 = 0.25;
/// Smallest photo that documents anything: 640 × 480 (either orientation).
pub const MIN_LONG_SIDE: u32 = 640;
pub const MIN_SHORT_SIDE: u32 = 480;
/// Refused outright: a side longer than this or more pixels than `MAX_PIXELS`.
pub const MAX_SIDE: u32 = 12_000;
pub const MAX_PIXELS: u64 = 64_000_000;
/// Refused outright: files larger than 40 MB.
pub const MAX_BYTES: usize = 40 * 1024 * 1024;
/// Below this score a photo is not acceptable even without a named issue (spec: "score < 0.4").
pub const MIN_SCORE: f64 = 0.4;

const ANALYSIS_SIDE: u32 = 1024;

string_enum! {
    /// `move_in_photo.ai_quality_issues` entries that can be measured from pixels.
    QualityIssue {
        TooDark => "too_dark", "Too dark";
        TooBright => "too_bright", "Overexposed";
        Blurry => "blurry", "Blurry";
        LowResolution => "low_resolution", "Low resolution";
    }
}

/// Why a file was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PhotoError {
    #[error("the file is empty")]
    Empty,
    #[error("the file is {0} MB; photos up to 40 MB are accepted")]
    TooLarge(usize),
    #[error("the file is not an image UnitCycle can read (use JPEG or PNG)")]
    NotAnImage,
    #[error("the image is {width}×{height} pixels; the limit is {MAX_SIDE} pixels a side and 64 megapixels")]
    TooManyPixels { width: u32, height: u32 },
    #[error("the image is damaged or incomplete and cannot be read ({0})")]
    Damaged(String),
}

/// What was measured.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct PhotoMeasurements {
    pub width: u32,
    pub height: u32,
    /// Variance of the Laplacian of the analysis copy.
    pub sharpness: f64,
    /// Mean luminance, 0–255.
    pub mean_luminance: f64,
    /// Share of pixels ≤ 8.
    pub clipped_dark: f64,
    /// Share of pixels ≥ 247.
    pub clipped_bright: f64,
}

/// The verdict on one photo.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct PhotoQuality {
    /// 0.0–1.0.
    pub quality_score: f64,
    pub is_acceptable: bool,
    pub issues: Vec<QualityIssue>,
    /// What to do about it ("" when acceptable).
    pub suggestion: String,
    /// One line for the screen: "Good photo (score 0.91)" or "Retake: too dark, blurry (score 0.22)".
    pub verdict: String,
    pub measurements: PhotoMeasurements,
    /// `jpeg` or `png`.
    pub format: String,
}

/// Reads the header only: the format and the size, refusing what must not be decoded.
pub fn probe(bytes: &[u8]) -> Result<(image::ImageFormat, u32, u32), PhotoError> {
    if bytes.is_empty() {
        return Err(PhotoError::Empty);
    }
    if bytes.len() > MAX_BYTES {
        return Err(PhotoError::TooLarge(bytes.len().div_ceil(1024 * 1024)));
    }
    let reader =
        image::ImageReader::new(Cursor::new(bytes)).with_guessed_format().map_err(|_| PhotoError::NotAnImage)?;
    let format = match reader.format() {
        Some(f @ (image::ImageFormat::Jpeg | image::ImageFormat::Png)) => f,
        _ => return Err(PhotoError::NotAnImage),
    };
    let (width, height) = reader.into_dimensions().map_err(|e| PhotoError::Damaged(e.to_string()))?;
    if format == image::ImageFormat::Jpeg && !jpeg_is_whole(bytes) {
        return Err(PhotoError::Damaged("the JPEG ends before its last scan does; the file was cut short".into()));
    }
    if width == 0 || height == 0 {
        return Err(PhotoError::Damaged("it has no pixels".into()));
    }
    if width > MAX_SIDE || height > MAX_SIDE || u64::from(width) * u64::from(height) > MAX_PIXELS {
        return Err(PhotoError::TooManyPixels { width, height });
    }
    Ok((format, width, height))
}

/// The JPEG decoder fills a cut-short file with grey instead of failing, so check the end:
/// after the last start-of-scan marker (FF DA) there must be an end-of-image marker (FF D9).
/// Neither can occur inside entropy-coded data (a data FF is always followed by 00 or a
/// restart marker), and an embedded EXIF thumbnail's markers come before the main scan.
fn jpeg_is_whole(bytes: &[u8]) -> bool {
    let last = |marker: u8| bytes.windows(2).rposition(|w| w[0] == 0xFF && w[1] == marker);
    match (last(0xDA), last(0xD9)) {
        (Some(sos), Some(eoi)) => eoi > sos,
        _ => false,
    }
}

/// Decodes a photo after `probe` has accepted it.
pub fn decode(bytes: &[u8]) -> Result<image::DynamicImage, PhotoError> {
    let (format, _, _) = probe(bytes)?;
    let mut reader = image::ImageReader::with_format(Cursor::new(bytes), format);
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_PIXELS * 4 + 64 * 1024 * 1024);
    reader.limits(limits);
    reader.decode().map_err(|e| PhotoError::Damaged(e.to_string()))
}

/// Measures and judges a photo from its file bytes.
pub fn assess(bytes: &[u8]) -> Result<PhotoQuality, PhotoError> {
    let (format, _, _) = probe(bytes)?;
    let img = decode(bytes)?;
    let m = measure(&img);
    let mut q = judge(m);
    q.format = if format == image::ImageFormat::Png { "png" } else { "jpeg" }.to_string();
    Ok(q)
}

/// The three measurements of a decoded image.
pub fn measure(img: &image::DynamicImage) -> PhotoMeasurements {
    let (width, height) = (img.width(), img.height());
    let small =
        if width.max(height) > ANALYSIS_SIDE { img.thumbnail(ANALYSIS_SIDE, ANALYSIS_SIDE) } else { img.clone() };
    let gray = small.to_luma8();
    let (w, h) = (gray.width() as usize, gray.height() as usize);
    let px = gray.as_raw();
    let n = px.len().max(1) as f64;
    let mean_luminance = px.iter().map(|&v| f64::from(v)).sum::<f64>() / n;
    let clipped_dark = px.iter().filter(|&&v| v <= 8).count() as f64 / n;
    let clipped_bright = px.iter().filter(|&&v| v >= 247).count() as f64 / n;
    let sharpness = laplacian_variance(px, w, h);
    PhotoMeasurements { width, height, sharpness, mean_luminance, clipped_dark, clipped_bright }
}

/// Variance of the 4-neighbour Laplacian over the interior pixels (0 for images under 3×3).
pub fn laplacian_variance(px: &[u8], w: usize, h: usize) -> f64 {
    if w < 3 || h < 3 {
        return 0.0;
    }
    let (mut sum, mut sum_sq, mut count) = (0.0f64, 0.0f64, 0.0f64);
    for y in 1..h - 1 {
        for x in 1..w - 1 {
            let c = i32::from(px[y * w + x]);
            let l = i32::from(px[y * w + x - 1])
                + i32::from(px[y * w + x + 1])
                + i32::from(px[(y - 1) * w + x])
                + i32::from(px[(y + 1) * w + x])
                - 4 * c;
            let l = f64::from(l);
            sum += l;
            sum_sq += l * l;
            count += 1.0;
        }
    }
    let mean = sum / count;
    (sum_sq / count - mean * mean).max(0.0)
}

/// The verdict from the measurements: issues by threshold, a score in 0–1, a suggestion.
pub fn judge(m: PhotoMeasurements) -> PhotoQuality {
    let mut issues = Vec::new();
    if m.mean_luminance < MIN_MEAN_LUMINANCE || m.clipped_dark > MAX_CLIPPED_DARK {
        issues.push(QualityIssue::TooDark);
    }
    if m.mean_luminance > MAX_MEAN_LUMINANCE || m.clipped_bright > MAX_CLIPPED_BRIGHT {
        issues.push(QualityIssue::TooBright);
    }
    if m.sharpness < MIN_SHARPNESS {
        issues.push(QualityIssue::Blurry);
    }
    let (long, short) = (m.width.max(m.height), m.width.min(m.height));
    if long < MIN_LONG_SIDE || short < MIN_SHORT_SIDE {
        issues.push(QualityIssue::LowResolution);
    }

    // Each part is 1.0 when comfortably good and falls towards 0 as it gets worse.
    let sharp = (m.sharpness / (MIN_SHARPNESS * 2.5)).clamp(0.0, 1.0);
    let exposure_mid = 1.0 - ((m.mean_luminance - 128.0).abs() / 128.0).powi(2);
    let exposure = (exposure_mid - m.clipped_dark.max(m.clipped_bright)).clamp(0.0, 1.0);
    let res = ((f64::from(long) / f64::from(MIN_LONG_SIDE)).min(f64::from(short) / f64::from(MIN_SHORT_SIDE)))
        .clamp(0.0, 1.0);
    let score = (0.45 * sharp + 0.35 * exposure + 0.20 * res).clamp(0.0, 1.0);
    let quality_score = (score * 100.0).round() / 100.0;
    let is_acceptable = issues.is_empty() && quality_score >= MIN_SCORE;

    let suggestion = suggestion(&issues, is_acceptable);
    let verdict = if is_acceptable {
        format!("Good photo (score {quality_score:.2})")
    } else if issues.is_empty() {
        format!("Retake: low overall quality (score {quality_score:.2})")
    } else {
        let names: Vec<String> = issues.iter().map(|i| i.label().to_lowercase()).collect();
        format!("Retake: {} (score {quality_score:.2})", names.join(", "))
    };
    PhotoQuality { quality_score, is_acceptable, issues, suggestion, verdict, measurements: m, format: String::new() }
}

fn suggestion(issues: &[QualityIssue], acceptable: bool) -> String {
    if acceptable {
        return String::new();
    }
    let mut parts: Vec<&str> = issues
        .iter()
        .map(|i| match i {
            QualityIssue::TooDark => "Turn on the room lights or use the flash, then retake.",
            QualityIssue::TooBright => "Avoid pointing at windows or lamps; stand with the light behind you and retake.",
            QualityIssue::Blurry => {
                "Hold the camera steady (brace against a wall), tap to focus and retake; on a plain wall, include an edge or fixture in the frame."
            }
            QualityIssue::LowResolution => "Use the camera's full resolution (at least 640×480) and retake.",
        })
        .collect();
    if parts.is_empty() {
        parts.push("Retake closer to the subject in good light.");
    }
    parts.join(" ")
}

#[cfg(any(test, feature = "test-support"))]
pub mod test_images {
    //! Real test images, made in memory: sharp, blurred, dark, tiny, a drawn signature.
    //! Other crates' tests reach them through core's `test-support` feature (a
    //! dev-dependency), so no image files are checked in.
    use image::{GrayImage, Luma, RgbImage};

    pub fn checkerboard(w: u32, h: u32, cell: u32, lo: u8, hi: u8) -> RgbImage {
        RgbImage::from_fn(w, h, |x, y| {
            let v = if ((x / cell) + (y / cell)) % 2 == 0 { lo } else { hi };
            image::Rgb([v, v, v])
        })
    }

    pub fn png(img: &RgbImage) -> Vec<u8> {
        let mut out = Vec::new();
        img.write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png).unwrap();
        out
    }

    pub fn jpeg(img: &RgbImage) -> Vec<u8> {
        let mut out = Vec::new();
        img.write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Jpeg).unwrap();
        out
    }

    pub fn sharp() -> Vec<u8> {
        jpeg(&checkerboard(800, 600, 16, 40, 220))
    }

    pub fn blurred() -> Vec<u8> {
        let img = checkerboard(800, 600, 16, 40, 220);
        jpeg(&image::imageops::blur(&img, 6.0))
    }

    pub fn dark() -> Vec<u8> {
        jpeg(&checkerboard(800, 600, 16, 2, 40))
    }

    pub fn tiny() -> Vec<u8> {
        png(&checkerboard(160, 120, 8, 40, 220))
    }

    /// A PNG whose header claims a huge image, with a stub of pixel data.
    pub fn huge_png_header(w: u32, h: u32) -> Vec<u8> {
        let mut out = vec![0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];
        let mut ihdr = b"IHDR".to_vec();
        ihdr.extend_from_slice(&w.to_be_bytes());
        ihdr.extend_from_slice(&h.to_be_bytes());
        ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
        let mut chunk = |body: &[u8]| {
            out.extend_from_slice(&(body.len() as u32 - 4).to_be_bytes());
            out.extend_from_slice(body);
            out.extend_from_slice(&crc32(body).to_be_bytes());
        };
        chunk(&ihdr);
        chunk(b"IDAT\x78\x9c");
        chunk(b"IEND");
        out
    }

    fn crc32(data: &[u8]) -> u32 {
        let mut crc = 0xFFFF_FFFFu32;
        for &b in data {
            crc ^= u32::from(b);
            for _ in 0..8 {
                crc = if crc & 1 != 0 { (crc >> 1) ^ 0xEDB8_8320 } else { crc >> 1 };
            }
        }
        !crc
    }

    pub fn gray(w: u32, h: u32, v: u8) -> GrayImage {
        GrayImage::from_pixel(w, h, Luma([v]))
    }

    /// A signature as the desktop's signing box saves it: a PNG with a drawn stroke.
    pub fn signature() -> Vec<u8> {
        let mut img = image::RgbaImage::from_pixel(300, 100, image::Rgba([255, 255, 255, 0]));
        for x in 20..250 {
            img.put_pixel(x, 40 + (x % 20), image::Rgba([15, 23, 42, 255]));
        }
        let mut out = Vec::new();
        img.write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png).unwrap();
        out
    }
}

#[cfg(test)]
mod tests {
    use super::test_images::*;
    use super::*;

    #[test]
    fn a_sharp_well_exposed_photo_is_accepted() {
        let q = assess(&sharp()).unwrap();
        assert!(q.is_acceptable, "{q:?}");
        assert!(q.issues.is_empty());
        assert!(q.measurements.sharpness > MIN_SHARPNESS * 10.0, "{:?}", q.measurements);
        assert!(q.quality_score >= 0.8, "{}", q.quality_score);
        assert_eq!(q.suggestion, "");
        assert!(q.verdict.starts_with("Good photo"), "{}", q.verdict);
        assert_eq!(q.format, "jpeg");
    }

    #[test]
    fn a_blurred_photo_is_flagged_with_a_retake_suggestion() {
        let sharp_q = assess(&sharp()).unwrap();
        let q = assess(&blurred()).unwrap();
        assert!(q.measurements.sharpness < MIN_SHARPNESS, "{:?}", q.measurements);
        assert!(q.measurements.sharpness * 20.0 < sharp_q.measurements.sharpness);
        assert_eq!(q.issues, vec![QualityIssue::Blurry]);
        assert!(!q.is_acceptable);
        assert!(q.suggestion.contains("Hold the camera steady"), "{}", q.suggestion);
        assert!(q.verdict.starts_with("Retake: blurry"), "{}", q.verdict);
    }

    #[test]
    fn a_dark_photo_is_flagged_too_dark() {
        let q = assess(&dark()).unwrap();
        assert!(q.measurements.mean_luminance < MIN_MEAN_LUMINANCE, "{:?}", q.measurements);
        assert!(q.issues.contains(&QualityIssue::TooDark), "{q:?}");
        assert!(!q.is_acceptable);
        assert!(q.suggestion.contains("flash"));
    }

    #[test]
    fn a_washed_out_photo_is_flagged_too_bright() {
        let img = checkerboard(800, 600, 16, 230, 255);
        let q = assess(&png(&img)).unwrap();
        assert!(q.issues.contains(&QualityIssue::TooBright), "{q:?}");
    }

    #[test]
    fn a_tiny_photo_is_flagged_low_resolution() {
        let q = assess(&tiny()).unwrap();
        assert_eq!((q.measurements.width, q.measurements.height), (160, 120));
        assert_eq!(q.issues, vec![QualityIssue::LowResolution]);
        assert!(!q.is_acceptable);
        assert_eq!(q.format, "png");
    }

    #[test]
    fn a_portrait_photo_meets_the_resolution_rule_either_way_round() {
        let q = assess(&jpeg(&checkerboard(600, 800, 16, 40, 220))).unwrap();
        assert!(q.is_acceptable, "{q:?}");
    }

    #[test]
    fn laplacian_of_a_flat_image_is_zero() {
        let g = gray(50, 40, 128);
        assert_eq!(laplacian_variance(g.as_raw(), 50, 40), 0.0);
        assert_eq!(laplacian_variance(&[1, 2], 2, 1), 0.0);
    }

    #[test]
    fn bad_files_are_refused_with_clear_messages() {
        assert_eq!(assess(&[]).unwrap_err(), PhotoError::Empty);
        assert_eq!(assess(b"hello, this is a text file").unwrap_err(), PhotoError::NotAnImage);

        let full = sharp();
        let err = assess(&full[..full.len() / 2]).unwrap_err();
        assert!(matches!(err, PhotoError::Damaged(_)), "{err:?}");
        assert!(err.to_string().starts_with("the image is damaged or incomplete"), "{err}");

        // A 20k × 20k PNG header is refused before any pixel is decoded.
        let huge = huge_png_header(20_000, 20_000);
        let err = assess(&huge).unwrap_err();
        assert_eq!(err, PhotoError::TooManyPixels { width: 20_000, height: 20_000 });
        assert!(err.to_string().contains("20000×20000"), "{err}");
    }
}
