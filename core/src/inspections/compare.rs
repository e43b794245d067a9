//! Move-in vs move-out photo comparison without a vision model (spec 4.4 compare, offline).
//!
//! Two photos of the same room and item are aligned and compared pixel by pixel; where they
//! differ is reported as regions (fractions of the image, so they overlay any rendition) and
//! drawn as a highlighted overlay. This says *where* the unit changed, never *what* changed:
//! a changed pair is `needs_review` and the offline provider says it cannot judge damage.
//!
//! 1. Both photos are reduced to grayscale at [`WORK_SIDE`] pixels on the long side and
//!    normalized (mean 0, unit deviation), so a different exposure or white balance is not a
//!    difference.
//! 2. The move-out photo is shifted by up to [`MAX_SHIFT`] working pixels each way; the shift
//!    with the least mean absolute difference aligns it (a photo taken a step to the side).
//! 3. The aligned difference is box-blurred (sensor noise and JPEG blocks fall away) and split
//!    into [`CELL`]-pixel cells; a cell changed when more than [`CELL_SHARE`] of its pixels
//!    differ by more than [`PIXEL_THRESHOLD`] deviations. Touching changed cells form a region.

use image::{DynamicImage, GrayImage, Rgb, RgbImage};
use serde::{Deserialize, Serialize};

/// Long side of the working copy, in pixels.
pub const WORK_SIDE: u32 = 256;
/// Largest alignment shift tried, in working pixels each way.
pub const MAX_SHIFT: i32 = 8;
/// A pixel differs when the normalized difference exceeds this many standard deviations.
pub const PIXEL_THRESHOLD: f32 = 0.9;
/// Side of a comparison cell, in working pixels.
pub const CELL: u32 = 8;
/// A cell changed when more than this share of its pixels differ.
pub const CELL_SHARE: f32 = 0.35;
/// A pair changed when its changed regions cover at least this share of the image.
pub const MIN_CHANGED_SHARE: f64 = 0.004;

/// A changed area, as fractions of the image's width and height (0–1, from the top left).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct Region {
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
    /// Share of the region's cells that changed (0–1).
    pub score: f64,
}

impl Region {
    /// Whether the point (fractions) lies in the region.
    pub fn contains(&self, x: f64, y: f64) -> bool {
        x >= self.x && x <= self.x + self.w && y >= self.y && y <= self.y + self.h
    }
}

/// What the comparison found for one pair.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct PhotoDiff {
    /// The pixels differ somewhere beyond noise: a person must look (`needs_review`).
    pub changed: bool,
    /// Share of the image in changed cells (0–1).
    pub changed_share: f64,
    /// Changed areas, largest first.
    pub regions: Vec<Region>,
    /// The shift that aligned the move-out photo, in fractions of the width and height.
    pub shift: (f64, f64),
}

/// A working copy: normalized grayscale values, row by row.
struct Work {
    w: usize,
    h: usize,
    px: Vec<f32>,
}

fn work(img: &DynamicImage, w: u32, h: u32) -> Work {
    let small: GrayImage = image::imageops::resize(&img.to_luma8(), w, h, image::imageops::FilterType::Triangle);
    let raw: Vec<f32> = small.as_raw().iter().map(|&v| f32::from(v)).collect();
    let n = raw.len().max(1) as f32;
    let mean = raw.iter().sum::<f32>() / n;
    let sd = (raw.iter().map(|v| (v - mean) * (v - mean)).sum::<f32>() / n).sqrt().max(4.0);
    Work { w: w as usize, h: h as usize, px: raw.iter().map(|v| (v - mean) / sd).collect() }
}

/// Mean absolute difference of `a` and `b` shifted by (dx, dy), over the overlap.
fn shifted_difference(a: &Work, b: &Work, dx: i32, dy: i32) -> f32 {
    let (w, h) = (a.w as i32, a.h as i32);
    let (mut sum, mut count) = (0.0f32, 0u32);
    // Every second pixel is enough to find the shift.
    for y in (MAX_SHIFT..h - MAX_SHIFT).step_by(2) {
        for x in (MAX_SHIFT..w - MAX_SHIFT).step_by(2) {
            let (bx, by) = (x + dx, y + dy);
            sum += (a.px[(y * w + x) as usize] - b.px[(by * w + bx) as usize]).abs();
            count += 1;
        }
    }
    if count == 0 {
        f32::MAX
    } else {
        sum / count as f32
    }
}

/// Compares a move-in photo with the move-out photo of the same room and item.
pub fn compare(before: &DynamicImage, after: &DynamicImage) -> PhotoDiff {
    // Both at the before photo's shape on the working scale.
    let scale = WORK_SIDE as f32 / before.width().max(before.height()).max(1) as f32;
    let w = ((before.width() as f32 * scale).round() as u32).max(2 * MAX_SHIFT as u32 + CELL);
    let h = ((before.height() as f32 * scale).round() as u32).max(2 * MAX_SHIFT as u32 + CELL);
    let (a, b) = (work(before, w, h), work(after, w, h));

    let mut best: (i32, i32, f32) = (0, 0, f32::MAX);
    for dy in -MAX_SHIFT..=MAX_SHIFT {
        for dx in -MAX_SHIFT..=MAX_SHIFT {
            let d = shifted_difference(&a, &b, dx, dy);
            // Ties keep the smaller shift.
            if d < best.2 - 1e-6 || (d <= best.2 + 1e-6 && dx.abs() + dy.abs() < best.0.abs() + best.1.abs()) {
                best = (dx, dy, d);
            }
        }
    }
    let (dx, dy) = (best.0, best.1);

    // The aligned difference, zero outside the overlap, then a 3×3 box blur.
    let (wi, hi) = (a.w as i32, a.h as i32);
    let mut diff = vec![0.0f32; a.w * a.h];
    for y in 0..hi {
        for x in 0..wi {
            let (bx, by) = (x + dx, y + dy);
            if bx >= 0 && by >= 0 && bx < wi && by < hi {
                diff[(y * wi + x) as usize] = (a.px[(y * wi + x) as usize] - b.px[(by * wi + bx) as usize]).abs();
            }
        }
    }
    let mut blurred = vec![0.0f32; diff.len()];
    for y in 1..hi - 1 {
        for x in 1..wi - 1 {
            let mut s = 0.0;
            for (ox, oy) in [(-1, -1), (0, -1), (1, -1), (-1, 0), (0, 0), (1, 0), (-1, 1), (0, 1), (1, 1)] {
                s += diff[((y + oy) * wi + x + ox) as usize];
            }
            blurred[(y * wi + x) as usize] = s / 9.0;
        }
    }

    // Cells, ignoring the margin the shift can leave without overlap.
    let (cw, ch) = (a.w / CELL as usize, a.h / CELL as usize);
    let margin = (MAX_SHIFT as usize).div_ceil(CELL as usize);
    let mut changed = vec![false; cw * ch];
    for cy in margin..ch.saturating_sub(margin) {
        for cx in margin..cw.saturating_sub(margin) {
            let mut over = 0;
            for y in cy * CELL as usize..(cy + 1) * CELL as usize {
                for x in cx * CELL as usize..(cx + 1) * CELL as usize {
                    over += usize::from(blurred[y * a.w + x] > PIXEL_THRESHOLD);
                }
            }
            changed[cy * cw + cx] = over as f32 > CELL_SHARE * (CELL * CELL) as f32;
        }
    }

    // Touching changed cells (8-neighbours) form a region.
    let mut seen = vec![false; changed.len()];
    let mut regions = Vec::new();
    for start in 0..changed.len() {
        if !changed[start] || seen[start] {
            continue;
        }
        let (mut x0, mut y0, mut x1, mut y1, mut cells) = (cw, ch, 0, 0, 0usize);
        let mut stack = vec![start];
        seen[start] = true;
        while let Some(i) = stack.pop() {
            let (x, y) = (i % cw, i / cw);
            (x0, y0, x1, y1) = (x0.min(x), y0.min(y), x1.max(x), y1.max(y));
            cells += 1;
            for ny in y.saturating_sub(1)..=(y + 1).min(ch - 1) {
                for nx in x.saturating_sub(1)..=(x + 1).min(cw - 1) {
                    let j = ny * cw + nx;
                    if changed[j] && !seen[j] {
                        seen[j] = true;
                        stack.push(j);
                    }
                }
            }
        }
        let (rw, rh) = (x1 - x0 + 1, y1 - y0 + 1);
        regions.push(Region {
            x: (x0 * CELL as usize) as f64 / a.w as f64,
            y: (y0 * CELL as usize) as f64 / a.h as f64,
            w: (rw * CELL as usize) as f64 / a.w as f64,
            h: (rh * CELL as usize) as f64 / a.h as f64,
            score: cells as f64 / (rw * rh) as f64,
        });
    }
    regions.sort_by(|p, q| (q.w * q.h).total_cmp(&(p.w * p.h)));
    let total = changed.iter().filter(|c| **c).count();
    let changed_share = total as f64 / changed.len().max(1) as f64;
    PhotoDiff {
        changed: changed_share >= MIN_CHANGED_SHARE,
        changed_share,
        regions,
        shift: (f64::from(dx) / a.w as f64, f64::from(dy) / a.h as f64),
    }
}

/// The move-out photo with each changed region tinted red and outlined: what a reviewer sees.
pub fn overlay(after: &DynamicImage, diff: &PhotoDiff) -> RgbImage {
    let mut img = after.to_rgb8();
    let (w, h) = (img.width() as f64, img.height() as f64);
    let line = ((w.max(h) / 300.0).ceil() as u32).max(1);
    for r in &diff.regions {
        let (x0, y0) = ((r.x * w) as u32, (r.y * h) as u32);
        let (x1, y1) = (((r.x + r.w) * w) as u32, ((r.y + r.h) * h) as u32);
        for y in y0..y1.min(img.height()) {
            for x in x0..x1.min(img.width()) {
                let edge = x < x0 + line || y < y0 + line || x + line >= x1 || y + line >= y1;
                let Rgb([pr, pg, pb]) = *img.get_pixel(x, y);
                let px = if edge {
                    Rgb([230, 30, 30])
                } else {
                    Rgb([((u16::from(pr) + 230) / 2) as u8, (u16::from(pg) / 2) as u8, (u16::from(pb) / 2) as u8])
                };
                img.put_pixel(x, y, px);
            }
        }
    }
    img
}

/// Room-like photos made in memory, for the tests and the benchmark (no image files are kept).
pub mod samples {
    use image::{Rgb, RgbImage};

    /// A room-like scene: a wall gradient, a door, a window, a skirting board and mild noise.
    pub fn scene(w: u32, h: u32, seed: u32) -> RgbImage {
        let mut state = seed.wrapping_mul(2_654_435_761).max(1);
        RgbImage::from_fn(w, h, |x, y| {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            let noise = (state % 7) as i32 - 3;
            let (fx, fy) = (x as f32 / w as f32, y as f32 / h as f32);
            let mut v = 150.0 + 60.0 * fx - 30.0 * fy;
            if (0.1..0.3).contains(&fx) && fy > 0.3 {
                v = 90.0; // door
            }
            if (0.55..0.85).contains(&fx) && (0.15..0.45).contains(&fy) {
                v = 230.0 - 40.0 * fy; // window
            }
            if fy > 0.9 {
                v = 60.0; // skirting
            }
            let v = (v as i32 + noise).clamp(0, 255) as u8;
            Rgb([v, v.saturating_sub(10), v.saturating_sub(20)])
        })
    }

    /// The same scene with a dark "hole" in the wall centred at (cx, cy) (fractions).
    pub fn with_hole(img: &RgbImage, cx: f32, cy: f32, r: f32) -> RgbImage {
        let mut out = img.clone();
        let (w, h) = (img.width() as f32, img.height() as f32);
        for (x, y, p) in out.enumerate_pixels_mut() {
            let (dx, dy) = (x as f32 / w - cx, (y as f32 / h - cy) * h / w);
            if dx * dx + dy * dy < r * r {
                *p = Rgb([25, 20, 18]);
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::samples::{scene, with_hole};
    use super::*;

    fn dynamic(img: RgbImage) -> DynamicImage {
        DynamicImage::ImageRgb8(img)
    }

    #[test]
    fn a_hole_is_found_where_it_was_drawn() {
        let before = scene(640, 480, 1);
        let after = with_hole(&scene(640, 480, 2), 0.42, 0.55, 0.04);
        let diff = compare(&dynamic(before), &dynamic(after.clone()));
        assert!(diff.changed, "{diff:?}");
        assert!(diff.regions[0].contains(0.42, 0.55), "{:?}", diff.regions);
        assert!(
            diff.regions[0].w < 0.2 && diff.regions[0].h < 0.25,
            "a region about the hole's size: {:?}",
            diff.regions
        );
        // The overlay is red where the hole is, untouched far from it.
        let marked = overlay(&dynamic(after.clone()), &diff);
        let r = diff.regions[0];
        let inside = marked.get_pixel(((r.x + r.w / 2.0) * 640.0) as u32, ((r.y + r.h / 2.0) * 480.0) as u32);
        assert!(inside[0] > inside[1] + 40, "{inside:?}");
        assert_eq!(marked.get_pixel(5, 5), after.get_pixel(5, 5));
    }

    #[test]
    fn the_same_room_is_not_a_change() {
        // Another shot of the same scene: new sensor noise.
        let diff = compare(&dynamic(scene(640, 480, 1)), &dynamic(scene(640, 480, 9)));
        assert!(!diff.changed, "{diff:?}");
        assert!(diff.regions.is_empty(), "{diff:?}");
    }

    #[test]
    fn exposure_and_a_step_to_the_side_are_not_changes() {
        let before = scene(640, 480, 1);
        // Brighter by a fifth, and taken 12 px (about 5 working pixels) to the left.
        let after = RgbImage::from_fn(640, 480, |x, y| {
            let p = before.get_pixel((x + 12).min(639), y);
            Rgb(p.0.map(|c| ((f32::from(c) * 1.2).min(255.0)) as u8))
        });
        let diff = compare(&dynamic(before), &dynamic(after));
        assert!(!diff.changed, "{diff:?}");
        assert!(diff.shift.0 < -0.01, "the step is found: {diff:?}");
    }

    #[test]
    fn photos_of_different_shapes_and_sizes_compare() {
        let before = scene(800, 600, 1);
        let after = image::imageops::resize(
            &with_hole(&before, 0.7, 0.7, 0.05),
            400,
            300,
            image::imageops::FilterType::Triangle,
        );
        let diff = compare(&dynamic(before), &dynamic(after));
        assert!(diff.changed && diff.regions[0].contains(0.7, 0.7), "{diff:?}");
    }
}
