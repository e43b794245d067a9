//! The honest offline default: no furniture is invented. [`EnhanceOnly`] improves an empty-room
//! photo the way a listing photographer would — auto exposure (a percentile levels stretch),
//! gray-world white balance, straightening (the tilt of the dominant near-vertical edges,
//! corrected only between 0.5° and 5°, cropped so no border shows) and an unsharp-mask
//! sharpen — writes a JPEG and labels it "enhanced, not staged".

use image::{GrayImage, ImageBuffer, Rgb, RgbImage};

use super::model::LABEL_ENHANCED;
use super::provider::{StagedImage, StagingError, StagingProvider};

/// The smallest tilt worth correcting, in degrees (below it the photo is left as it is).
pub const MIN_TILT: f64 = 0.5;
/// The largest tilt corrected, in degrees (more is a deliberate angle, or a misreading).
pub const MAX_TILT: f64 = 5.0;
/// The JPEG quality of an enhanced photo.
pub const JPEG_QUALITY: u8 = 90;
/// A thumbnail's largest side, in pixels.
pub const THUMBNAIL_SIDE: u32 = 320;

pub struct EnhanceOnly;

impl StagingProvider for EnhanceOnly {
    fn name(&self) -> String {
        "enhance-only".into()
    }

    fn stage(&self, image: &[u8], _room: &str, _style: &str) -> Result<StagedImage, StagingError> {
        let img = decode(image)?;
        let done = enhance(&img);
        Ok(StagedImage {
            bytes: jpeg(&done.image, JPEG_QUALITY)?,
            staged: false,
            label: LABEL_ENHANCED.into(),
            description: done.describe(),
        })
    }
}

/// What [`enhance`] did.
#[derive(Debug, Clone)]
pub struct Enhanced {
    pub image: RgbImage,
    /// The gains applied to red, green and blue.
    pub gains: [f32; 3],
    /// The luminance levels stretched to 0–255, when they were.
    pub levels: Option<(u8, u8)>,
    /// The measured tilt of the vertical edges in degrees (positive: they lean right going down).
    pub tilt: Option<f64>,
    pub straightened: bool,
}

impl Enhanced {
    pub fn describe(&self) -> String {
        let mut done = Vec::new();
        if let Some((lo, hi)) = self.levels {
            done.push(format!("exposure adjusted (levels {lo}–{hi} stretched)"));
        }
        if self.gains.iter().any(|g| (g - 1.0).abs() > 0.02) {
            done.push("white balance corrected".to_string());
        }
        if self.straightened {
            done.push(format!("straightened by {:.1}°", self.tilt.unwrap_or(0.0).abs()));
        }
        done.push("sharpened".to_string());
        format!("Enhanced, not staged: {}. No furniture was added.", done.join(", "))
    }
}

pub fn decode(bytes: &[u8]) -> Result<RgbImage, StagingError> {
    image::load_from_memory(bytes).map(|i| i.to_rgb8()).map_err(|e| StagingError::Decode(e.to_string()))
}

pub fn jpeg(img: &RgbImage, quality: u8) -> Result<Vec<u8>, StagingError> {
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, quality)
        .encode_image(img)
        .map_err(|e| StagingError::Encode(e.to_string()))?;
    Ok(out)
}

/// A JPEG of the photo no larger than [`THUMBNAIL_SIDE`] on its longer side.
pub fn thumbnail(bytes: &[u8]) -> Result<Vec<u8>, StagingError> {
    let img = decode(bytes)?;
    let (w, h) = img.dimensions();
    let scale = (THUMBNAIL_SIDE as f64 / w.max(h) as f64).min(1.0);
    let (tw, th) = (((w as f64 * scale).round() as u32).max(1), ((h as f64 * scale).round() as u32).max(1));
    let small = image::imageops::resize(&img, tw, th, image::imageops::FilterType::Triangle);
    jpeg(&small, 80)
}

/// The whole pipeline: white balance, exposure, straightening, sharpening.
pub fn enhance(img: &RgbImage) -> Enhanced {
    let (balanced, gains) = white_balance(img);
    let (exposed, levels) = auto_levels(&balanced);
    let tilt = estimate_tilt(&luma(&exposed));
    let (straight, straightened) = match tilt {
        Some(t) if (MIN_TILT..=MAX_TILT).contains(&t.abs()) => (straighten(&exposed, t), true),
        _ => (exposed, false),
    };
    Enhanced { image: unsharp_mask(&straight, 1.5, 1.0, 2.0), gains, levels, tilt, straightened }
}

fn clamp8(v: f32) -> u8 {
    v.round().clamp(0.0, 255.0) as u8
}

/// Gray-world white balance: each channel scaled so the three means meet at their average
/// (gains kept within 0.5–2 so a room painted one colour is not turned grey).
pub fn white_balance(img: &RgbImage) -> (RgbImage, [f32; 3]) {
    let n = (img.width() as f64 * img.height() as f64).max(1.0);
    let mut sums = [0f64; 3];
    for p in img.pixels() {
        for c in 0..3 {
            sums[c] += p[c] as f64;
        }
    }
    let means = sums.map(|s| s / n);
    let gray = (means[0] + means[1] + means[2]) / 3.0;
    let gains = means.map(|m| if m < 1.0 { 1.0 } else { (gray / m).clamp(0.5, 2.0) as f32 });
    let out = ImageBuffer::from_fn(img.width(), img.height(), |x, y| {
        let p = img.get_pixel(x, y);
        Rgb([clamp8(p[0] as f32 * gains[0]), clamp8(p[1] as f32 * gains[1]), clamp8(p[2] as f32 * gains[2])])
    });
    (out, gains)
}

fn luminance(p: &Rgb<u8>) -> f32 {
    0.299 * p[0] as f32 + 0.587 * p[1] as f32 + 0.114 * p[2] as f32
}

pub fn luma(img: &RgbImage) -> GrayImage {
    ImageBuffer::from_fn(img.width(), img.height(), |x, y| image::Luma([clamp8(luminance(img.get_pixel(x, y)))]))
}

/// Auto exposure: the 1st and 99th percentiles of luminance stretched to 0 and 255, the same
/// for all three channels (so the colour balance holds). A photo already spanning the range,
/// or one flat colour, is left as it is.
pub fn auto_levels(img: &RgbImage) -> (RgbImage, Option<(u8, u8)>) {
    let mut hist = [0u64; 256];
    for p in img.pixels() {
        hist[clamp8(luminance(p)) as usize] += 1;
    }
    let total: u64 = hist.iter().sum();
    let percentile = |q: f64| {
        let target = (total as f64 * q).ceil() as u64;
        let mut seen = 0;
        for (v, n) in hist.iter().enumerate() {
            seen += n;
            if seen >= target.max(1) {
                return v as u8;
            }
        }
        255
    };
    let (lo, hi) = (percentile(0.01), percentile(0.99));
    if hi.saturating_sub(lo) < 8 || (lo <= 2 && hi >= 253) {
        return (img.clone(), None);
    }
    let scale = 255.0 / (hi - lo) as f32;
    let out = ImageBuffer::from_fn(img.width(), img.height(), |x, y| {
        let p = img.get_pixel(x, y);
        Rgb([0, 1, 2].map(|c| clamp8((p[c] as f32 - lo as f32) * scale)))
    });
    (out, Some((lo, hi)))
}

/// The tilt of the photo's dominant near-vertical edges in degrees (positive: an edge's x grows
/// going down), found as the shear that lines the edge pixels up into the sharpest columns;
/// `None` when the photo has too few vertical edges to tell. Searched over ±6° in 0.1° steps.
pub fn estimate_tilt(gray: &GrayImage) -> Option<f64> {
    // Work on at most 400 pixels a side: the angle does not need more.
    let (w0, h0) = gray.dimensions();
    let scale = (400.0 / w0.max(h0) as f64).min(1.0);
    let small;
    let g = if scale < 1.0 {
        let (w, h) = (((w0 as f64 * scale) as u32).max(3), ((h0 as f64 * scale) as u32).max(3));
        small = image::imageops::resize(gray, w, h, image::imageops::FilterType::Triangle);
        &small
    } else {
        gray
    };
    let (w, h) = g.dimensions();
    if w < 3 || h < 3 {
        return None;
    }
    let at = |x: u32, y: u32| g.get_pixel(x, y)[0] as f64;
    // Edge pixels whose gradient is mostly horizontal (the edge near vertical), with weight.
    let mut edges = Vec::new();
    for y in 1..h - 1 {
        for x in 1..w - 1 {
            let gx = (at(x + 1, y - 1) + 2.0 * at(x + 1, y) + at(x + 1, y + 1))
                - (at(x - 1, y - 1) + 2.0 * at(x - 1, y) + at(x - 1, y + 1));
            let gy = (at(x - 1, y + 1) + 2.0 * at(x, y + 1) + at(x + 1, y + 1))
                - (at(x - 1, y - 1) + 2.0 * at(x, y - 1) + at(x + 1, y - 1));
            if gx.abs() >= 60.0 && gx.abs() > 4.0 * gy.abs() {
                edges.push((x as f64, y as f64, gx.abs()));
            }
        }
    }
    if edges.len() < (h as usize / 2).max(8) {
        return None;
    }
    let cy = h as f64 / 2.0;
    let span = (h as f64 * (6f64).to_radians().tan()).ceil() as usize + 2;
    let bins = w as usize + 2 * span;
    let mut best: (f64, f64) = (f64::MIN, 0.0);
    for step in -60..=60 {
        let a = step as f64 / 10.0;
        let t = a.to_radians().tan();
        let mut hist = vec![0f64; bins];
        for &(x, y, m) in &edges {
            let pos = x - (y - cy) * t + span as f64;
            let i = pos.floor();
            let f = pos - i;
            let i = i as usize;
            if i + 1 < bins {
                hist[i] += m * (1.0 - f);
                hist[i + 1] += m * f;
            }
        }
        let score: f64 = hist.iter().map(|v| v * v).sum();
        // Ties go to the smaller angle: never rotate without cause.
        if score > best.0 * (1.0 + 1e-9) || (score >= best.0 * (1.0 - 1e-9) && a.abs() < best.1.abs()) {
            best = (score, a);
        }
    }
    Some(best.1)
}

fn bilinear(img: &RgbImage, x: f64, y: f64) -> Rgb<u8> {
    let (w, h) = (img.width() as f64, img.height() as f64);
    let x = x.clamp(0.0, w - 1.0);
    let y = y.clamp(0.0, h - 1.0);
    let (x0, y0) = (x.floor(), y.floor());
    let (fx, fy) = ((x - x0) as f32, (y - y0) as f32);
    let (x0, y0) = (x0 as u32, y0 as u32);
    let (x1, y1) = ((x0 + 1).min(img.width() - 1), (y0 + 1).min(img.height() - 1));
    let (a, b, c, d) = (img.get_pixel(x0, y0), img.get_pixel(x1, y0), img.get_pixel(x0, y1), img.get_pixel(x1, y1));
    Rgb([0, 1, 2].map(|i| {
        let top = a[i] as f32 * (1.0 - fx) + b[i] as f32 * fx;
        let bottom = c[i] as f32 * (1.0 - fx) + d[i] as f32 * fx;
        clamp8(top * (1.0 - fy) + bottom * fy)
    }))
}

/// The photo rotated so edges tilted by `tilt` degrees stand vertical, cropped to the largest
/// centred rectangle of the same proportions that holds no border.
pub fn straighten(img: &RgbImage, tilt: f64) -> RgbImage {
    let (w, h) = (img.width() as f64, img.height() as f64);
    let r = tilt.to_radians();
    let (c, s) = (r.cos(), r.sin().abs());
    let k = (w / (w * c + h * s)).min(h / (w * s + h * c));
    let (cw, ch) = (((w * k).floor() as u32).max(1), ((h * k).floor() as u32).max(1));
    let (cx, cy) = (w / 2.0, h / 2.0);
    let (cos, sin) = (r.cos(), r.sin());
    ImageBuffer::from_fn(cw, ch, |i, j| {
        let u = i as f64 + 0.5 - cw as f64 / 2.0;
        let v = j as f64 + 0.5 - ch as f64 / 2.0;
        bilinear(img, cx + u * cos + v * sin - 0.5, cy - u * sin + v * cos - 0.5)
    })
}

/// Unsharp mask: each pixel pushed away from its Gaussian blur (`sigma`) by `amount`, where
/// they differ by more than `threshold` (flat areas and noise are left alone).
pub fn unsharp_mask(img: &RgbImage, sigma: f32, amount: f32, threshold: f32) -> RgbImage {
    let blurred = image::imageops::blur(img, sigma);
    ImageBuffer::from_fn(img.width(), img.height(), |x, y| {
        let (p, b) = (img.get_pixel(x, y), blurred.get_pixel(x, y));
        Rgb([0, 1, 2].map(|c| {
            let diff = p[c] as f32 - b[c] as f32;
            if diff.abs() > threshold {
                clamp8(p[c] as f32 + amount * diff)
            } else {
                p[c]
            }
        }))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mean(img: &RgbImage, c: usize) -> f64 {
        img.pixels().map(|p| p[c] as f64).sum::<f64>() / (img.width() * img.height()) as f64
    }

    /// A 64×48 room: a left-to-right gradient of `lo..hi` in every channel, times `tint`.
    fn gradient(lo: f32, hi: f32, tint: [f32; 3]) -> RgbImage {
        ImageBuffer::from_fn(64, 48, |x, _| {
            let v = lo + (hi - lo) * x as f32 / 63.0;
            Rgb([clamp8(v * tint[0]), clamp8(v * tint[1]), clamp8(v * tint[2])])
        })
    }

    /// A 64×64 light wall with a dark soft-edged door frame 8 pixels wide through the centre,
    /// its x growing by tan(`tilt`) a row.
    fn frame(tilt: f64) -> RgbImage {
        let t = tilt.to_radians().tan();
        ImageBuffer::from_fn(64, 64, |x, y| {
            let centre = 32.0 + (y as f64 + 0.5 - 32.0) * t;
            let d = (x as f64 + 0.5 - centre).abs();
            // 1 inside the frame, 0 outside, a 2-pixel ramp between.
            let cover = ((6.0 - d) / 2.0).clamp(0.0, 1.0);
            let v = clamp8((220.0 - 180.0 * cover) as f32);
            Rgb([v, v, v])
        })
    }

    /// The centre of the dark frame in row `y` (the darkness-weighted mean x).
    fn frame_x(img: &RgbImage, y: u32) -> f64 {
        let (mut sum, mut weight) = (0.0, 0.0);
        for x in 0..img.width() {
            let dark = 255.0 - img.get_pixel(x, y)[0] as f64;
            let dark = (dark - 60.0).max(0.0);
            sum += dark * x as f64;
            weight += dark;
        }
        sum / weight
    }

    #[test]
    fn a_dark_photo_comes_out_brighter_with_its_full_range() {
        let dark = gradient(10.0, 60.0, [1.0, 1.0, 1.0]);
        let (out, levels) = auto_levels(&dark);
        let (lo, hi) = levels.unwrap();
        assert!(lo <= 11 && hi >= 59, "{lo}-{hi}");
        assert!(mean(&out, 1) > mean(&dark, 1) + 60.0, "{} -> {}", mean(&dark, 1), mean(&out, 1));
        let max = out.pixels().map(|p| p[1]).max().unwrap();
        assert!(max >= 250);
        // A photo that already spans the range, and a flat one, are left alone.
        assert_eq!(auto_levels(&gradient(0.0, 255.0, [1.0; 3])).1, None);
        assert_eq!(auto_levels(&gradient(100.0, 103.0, [1.0; 3])).1, None);
    }

    #[test]
    fn a_blue_cast_is_neutralised() {
        let blue = gradient(60.0, 140.0, [0.8, 0.9, 1.35]);
        let cast = |img: &RgbImage| mean(img, 2) - mean(img, 0);
        assert!(cast(&blue) > 40.0);
        let (out, gains) = white_balance(&blue);
        assert!(cast(&out).abs() < 2.0, "blue-red {}", cast(&out));
        assert!((mean(&out, 1) - mean(&out, 0)).abs() < 2.0);
        assert!(gains[2] < 1.0 && gains[0] > 1.0);
    }

    #[test]
    fn a_tilted_door_frame_is_measured_and_straightened() {
        let tilted = frame(3.0);
        let drift = |img: &RgbImage| frame_x(img, img.height() - 4) - frame_x(img, 3);
        assert!(drift(&tilted) > 2.5, "the frame leans {}", drift(&tilted));
        let tilt = estimate_tilt(&luma(&tilted)).unwrap();
        assert!((tilt - 3.0).abs() <= 0.3, "measured {tilt}");
        let straight = straighten(&tilted, tilt);
        assert!(drift(&straight).abs() < 0.5, "still leans {}", drift(&straight));
        // Cropped, so no border shows: no pixel is black in the corners.
        assert!(straight.width() < 64 && straight.height() < 64);
        for (x, y) in [(0, 0), (straight.width() - 1, 0), (0, straight.height() - 1)] {
            assert!(straight.get_pixel(x, y)[0] > 200, "corner {x},{y}");
        }
        let done = enhance(&tilted);
        assert!(done.straightened);
        assert!(done.describe().contains("straightened by "), "{}", done.describe());
    }

    #[test]
    fn an_upright_or_steeply_angled_photo_is_not_rotated() {
        let upright = enhance(&frame(0.0));
        assert_eq!(upright.tilt, Some(0.0));
        assert!(!upright.straightened);
        assert_eq!(upright.image.dimensions(), (64, 64));
        let quarter = enhance(&frame(0.3));
        assert!(!quarter.straightened, "{:?}", quarter.tilt);
        // No vertical edges at all: nothing to measure.
        assert_eq!(estimate_tilt(&luma(&gradient(10.0, 20.0, [1.0; 3]))), None);
    }

    #[test]
    fn sharpening_steepens_a_soft_edge() {
        let soft = ImageBuffer::from_fn(64, 48, |x, _| {
            let v = 60.0 + 140.0 / (1.0 + (-(x as f32 - 32.0) / 1.2).exp());
            Rgb([clamp8(v); 3])
        });
        let steepest = |img: &RgbImage| {
            (1..64).map(|x| img.get_pixel(x, 24)[0] as i32 - img.get_pixel(x - 1, 24)[0] as i32).max().unwrap()
        };
        let sharp = unsharp_mask(&soft, 1.5, 1.0, 2.0);
        assert!(steepest(&sharp) * 10 >= steepest(&soft) * 11, "{} -> {}", steepest(&soft), steepest(&sharp));
        // Flat areas stay as they were.
        assert_eq!(sharp.get_pixel(2, 2), soft.get_pixel(2, 2));
    }

    #[test]
    fn enhance_only_writes_a_jpeg_labelled_enhanced_not_staged() {
        let mut png = std::io::Cursor::new(Vec::new());
        gradient(10.0, 60.0, [0.9, 1.0, 1.2]).write_to(&mut png, image::ImageFormat::Png).unwrap();
        let out = EnhanceOnly.stage(png.get_ref(), "living room", "modern").unwrap();
        assert_eq!(&out.bytes[..3], &[0xFF, 0xD8, 0xFF], "a JPEG");
        assert!(!out.staged);
        assert_eq!(out.label, "enhanced, not staged");
        assert!(out.description.starts_with("Enhanced, not staged: exposure adjusted"), "{}", out.description);
        assert!(out.description.ends_with("No furniture was added."));
        assert!(matches!(EnhanceOnly.stage(b"not an image", "kitchen", "modern"), Err(StagingError::Decode(_))));
        let thumb = decode(&thumbnail(png.get_ref()).unwrap()).unwrap();
        assert_eq!(thumb.dimensions(), (64, 48), "a small photo is not enlarged");
    }
}
