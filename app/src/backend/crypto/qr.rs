//! The QR code of an `otpauth://` URI, as SVG: dark on light, with the 4-module quiet zone that
//! phone cameras need, and large enough to scan from a screen.

use qrcode::render::svg;
use qrcode::{EcLevel, QrCode};

use crate::error::AppError;

/// Smallest rendered side in pixels (CSS pixels when shown at natural size).
const MIN_SIDE_PX: u32 = 240;

pub fn svg_of(uri: &str) -> Result<String, AppError> {
    let code = QrCode::with_error_correction_level(uri.as_bytes(), EcLevel::M)
        .map_err(|e| AppError::internal("rendering a QR code", e))?;
    Ok(code
        .render::<svg::Color>()
        .min_dimensions(MIN_SIDE_PX, MIN_SIDE_PX)
        .dark_color(svg::Color("#000000"))
        .light_color(svg::Color("#ffffff"))
        .quiet_zone(true)
        .build())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_svg_is_dark_on_light_and_large_enough() {
        let svg =
            svg_of("otpauth://totp/WebApp:ada@example.org?secret=JBSWY3DPEHPK3PXP&issuer=WebApp").unwrap();
        assert!(svg.contains("<svg"));
        assert!(svg.contains("#000000") && svg.contains("#ffffff"));
        let width: u32 = svg
            .split("width=\"")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .and_then(|w| w.parse().ok())
            .unwrap();
        assert!(width >= MIN_SIDE_PX, "{width}");
    }
}
