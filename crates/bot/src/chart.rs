//! The statistics chart admins get: revenue and new customers per day, as a PNG.
//!
//! Drawn with `plotters` into an RGB buffer and encoded with `png`; text uses
//! DejaVu Sans compiled into the binary (`assets/`, its licence beside it), so
//! the image looks the same on every machine without system fonts. The image
//! carries numbers, dates and Latin/Cyrillic labels only: `ab_glyph` does not
//! shape Persian script, so the localized words go into the photo's caption.

use bazar_domain::calendar::civil_from_days;
use plotters::prelude::*;
use plotters::style::{FontStyle, register_font};
use std::sync::Once;

/// DejaVu Sans (Bitstream Vera licence; see `assets/DejaVuSans.LICENSE`).
const FONT: &[u8] = include_bytes!("../assets/DejaVuSans.ttf");
const FAMILY: &str = "sans-serif";
const WIDTH: u32 = 960;
const HEIGHT: u32 = 600;
const DAY_MS: i64 = 86_400_000;

/// What the chart shows: one value per day, oldest first, every day of the window present.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DailyFigures {
    /// Start of each day (unix ms of Tehran's midnight).
    pub days: Vec<i64>,
    /// Money credited per day, in minor units of `currency`.
    pub revenue: Vec<i64>,
    /// New customers per day.
    pub new_customers: Vec<i64>,
    /// The tenant's currency code, for the revenue panel's title.
    pub currency: String,
}

/// Why a chart could not be drawn (never a secret; the caller falls back to text).
#[derive(Debug, thiserror::Error)]
pub enum ChartError {
    /// `plotters` refused to draw.
    #[error("drawing the chart failed: {0}")]
    Draw(String),
    /// The PNG encoder failed.
    #[error("encoding the chart failed: {0}")]
    Encode(#[from] png::EncodingError),
}

impl DailyFigures {
    /// Spreads sparse `(day_start, value)` pairs over the `days` days ending
    /// with the day of `today_start` (missing days are zero).
    pub fn fill(
        today_start: i64,
        days: usize,
        revenue: &[(i64, i64)],
        new_customers: &[(i64, i64)],
        currency: &str,
    ) -> Self {
        let first = today_start - (days as i64 - 1) * DAY_MS;
        let starts: Vec<i64> = (0..days as i64).map(|i| first + i * DAY_MS).collect();
        let spread = |pairs: &[(i64, i64)]| -> Vec<i64> {
            starts
                .iter()
                .map(|start| pairs.iter().filter(|(day, _)| (day - start).abs() < DAY_MS / 2).map(|(_, v)| v).sum())
                .collect()
        };
        Self {
            revenue: spread(revenue),
            new_customers: spread(new_customers),
            days: starts,
            currency: currency.to_owned(),
        }
    }
}

fn font() {
    static REGISTER: Once = Once::new();
    REGISTER.call_once(|| {
        if register_font(FAMILY, FontStyle::Normal, FONT).is_err() {
            tracing::error!("the chart font did not load; charts will be sent as text");
        }
    });
}

/// `MM-DD` of a Tehran day start (the day's civil date in Tehran).
fn label(day_start: i64) -> String {
    // A Tehran midnight is 20:30 UTC of the day before; half a day later is safely inside the day.
    let (_, month, day) = civil_from_days((day_start + DAY_MS / 2).div_euclid(DAY_MS));
    format!("{month:02}-{day:02}")
}

/// Draws both panels and returns the PNG.
pub fn render(figures: &DailyFigures) -> Result<Vec<u8>, ChartError> {
    font();
    let mut rgb = vec![255u8; (WIDTH * HEIGHT * 3) as usize];
    draw(&mut rgb, figures).map_err(|e| ChartError::Draw(e.to_string()))?;
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, WIDTH, HEIGHT);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header()?;
    writer.write_image_data(&rgb)?;
    writer.finish()?;
    Ok(out)
}

type DrawResult = Result<(), Box<dyn std::error::Error>>;

fn draw(rgb: &mut [u8], figures: &DailyFigures) -> DrawResult {
    let root = BitMapBackend::with_buffer(rgb, (WIDTH, HEIGHT)).into_drawing_area();
    root.fill(&WHITE)?;
    let (top, bottom) = root.split_vertically(HEIGHT / 2);
    let revenue_title = format!("Revenue per day ({})", figures.currency);
    panel(&top, &revenue_title, &figures.days, &figures.revenue, RGBColor(46, 125, 50))?;
    panel(&bottom, "New customers per day", &figures.days, &figures.new_customers, RGBColor(21, 101, 192))?;
    root.present()?;
    Ok(())
}

fn panel(
    area: &DrawingArea<BitMapBackend<'_>, plotters::coord::Shift>,
    title: &str,
    days: &[i64],
    values: &[i64],
    color: RGBColor,
) -> DrawResult {
    let n = days.len().max(1);
    let top = values.iter().copied().max().unwrap_or(0).max(1) as f64 * 1.15;
    let mut chart = ChartBuilder::on(area)
        .caption(title, (FAMILY, 22))
        .margin(12)
        .x_label_area_size(28)
        .y_label_area_size(80)
        .build_cartesian_2d(0f64..n as f64, 0f64..top)?;
    let every = n.div_ceil(10).max(1);
    chart
        .configure_mesh()
        .disable_x_mesh()
        .x_labels(n.min(31))
        .x_label_formatter(&|x| {
            let i = x.floor() as usize;
            if (x - x.floor()).abs() < f64::EPSILON && i < days.len() && i.is_multiple_of(every) {
                label(days[i])
            } else {
                String::new()
            }
        })
        .y_label_formatter(&|y| short_number(*y))
        .label_style((FAMILY, 14))
        .draw()?;
    chart.draw_series(values.iter().enumerate().map(|(i, v)| {
        let x = i as f64;
        Rectangle::new([(x + 0.12, 0.0), (x + 0.88, *v as f64)], color.filled())
    }))?;
    Ok(())
}

/// `1.2M`, `35k`, `7`: axis labels that fit.
fn short_number(value: f64) -> String {
    let abs = value.abs();
    if abs >= 1e9 {
        format!("{:.1}B", value / 1e9)
    } else if abs >= 1e6 {
        format!("{:.1}M", value / 1e6)
    } else if abs >= 1e4 {
        format!("{:.0}k", value / 1e3)
    } else {
        format!("{value:.0}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DAY: i64 = DAY_MS;

    fn decode(png_bytes: &[u8]) -> (u32, u32, Vec<u8>) {
        let decoder = png::Decoder::new(std::io::Cursor::new(png_bytes));
        let mut reader = decoder.read_info().expect("a PNG");
        let mut buf = vec![0; reader.output_buffer_size()];
        let info = reader.next_frame(&mut buf).expect("a frame");
        buf.truncate(info.buffer_size());
        (info.width, info.height, buf)
    }

    /// Pixels of exactly the bars' colours (the bars are the only such pixels).
    fn bar_pixels(rgb: &[u8], color: (u8, u8, u8)) -> usize {
        rgb.chunks(3).filter(|p| (p[0], p[1], p[2]) == color).count()
    }

    #[test]
    fn an_empty_tenant_gets_a_chart_with_no_bars() {
        let today = bazar_domain::calendar::tehran_day_start_ms(1_764_000_000_000);
        let figures = DailyFigures::fill(today, 14, &[], &[], "IRT");
        assert_eq!(figures.days.len(), 14);
        let (w, h, rgb) = decode(&render(&figures).expect("drawn"));
        assert_eq!((w, h), (WIDTH, HEIGHT));
        assert_eq!(bar_pixels(&rgb, (46, 125, 50)), 0);
        // Axes and labels were drawn: not a blank image.
        assert!(rgb.chunks(3).filter(|p| p[0] < 128).count() > 500);
    }

    #[test]
    fn a_busy_tenant_gets_bars_proportional_to_its_figures() {
        let today = bazar_domain::calendar::tehran_day_start_ms(1_764_000_000_000);
        let revenue: Vec<(i64, i64)> = (0..30).map(|i| (today - i * DAY, 1_000_000 + i * 250_000)).collect();
        let customers = [(today, 40), (today - 3 * DAY, 10)];
        let figures = DailyFigures::fill(today, 30, &revenue, &customers, "IRR");
        assert_eq!(figures.revenue[29], 1_000_000);
        assert_eq!(figures.new_customers[29], 40);
        assert_eq!(figures.new_customers[26], 10);
        assert_eq!(figures.new_customers.iter().sum::<i64>(), 50);
        let png_bytes = render(&figures).expect("drawn");
        if let Ok(path) = std::env::var("BAZAR_CHART_SAMPLE") {
            std::fs::write(path, &png_bytes).expect("sample written");
        }
        let (_, _, rgb) = decode(&png_bytes);
        assert!(bar_pixels(&rgb, (46, 125, 50)) > 10_000, "thirty revenue bars");
        let blue = bar_pixels(&rgb, (21, 101, 192));
        assert!(blue > 1_000, "two customer bars: {blue}");
    }

    #[test]
    fn days_outside_the_window_are_left_out_and_labels_are_tehran_dates() {
        let today = bazar_domain::calendar::tehran_day_start_ms(1_764_000_000_000);
        let figures = DailyFigures::fill(today, 7, &[(today - 30 * DAY, 99)], &[], "IRT");
        assert_eq!(figures.revenue.iter().sum::<i64>(), 0);
        // 2025-11-24 20:30 UTC is midnight of 11-25 in Tehran.
        assert_eq!(label(bazar_domain::calendar::tehran_day_start_ms(1_764_016_200_000 + 1)), "11-25");
        assert_eq!(short_number(1_250_000.0), "1.2M");
        assert_eq!(short_number(35_000.0), "35k");
        assert_eq!(short_number(7.0), "7");
    }
}
