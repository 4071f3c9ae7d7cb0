//! QR codes served by the API decode, with an outside decoder, to the certificate's page.

use std::process::Command;

use crate::support::{BASE_URL, TestApp};
use axum::body::Body;
use axum::http::{Request, StatusCode, header};

fn zbarimg(path: &std::path::Path) -> String {
    let out = Command::new("zbarimg")
        .args(["--raw", "-q"])
        .arg(path)
        .output()
        .expect("zbarimg runs");
    String::from_utf8(out.stdout).unwrap().trim().to_owned()
}

async fn issued_id(app: &TestApp) -> String {
    let seed = app.seed().await;
    let issued = app.issue(&seed.producer_token, "QR-1").await;
    issued["bundle"]["certificate"]["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[tokio::test]
#[cfg_attr(not(origine_zbar), ignore = "needs zbarimg (Debian zbar-tools)")]
async fn the_qr_png_decodes_to_the_certificate_page_url() {
    let app = TestApp::sqlite().await;
    let id = issued_id(&app).await;
    let (status, headers, png) = app
        .raw(
            Request::get(format!("/api/v1/certificates/{id}/qr.png"))
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers[header::CONTENT_TYPE], "image/png");
    let path = app.dir.path().join("qr.png");
    std::fs::write(&path, &png).unwrap();
    assert_eq!(zbarimg(&path), format!("{BASE_URL}/c/{id}"));
}

#[tokio::test]
#[cfg_attr(
    not(all(origine_zbar, origine_rsvg)),
    ignore = "needs zbarimg and rsvg-convert (Debian zbar-tools, librsvg2-bin)"
)]
async fn the_qr_svg_renders_and_decodes_to_the_certificate_page_url() {
    let app = TestApp::sqlite().await;
    let id = issued_id(&app).await;
    let (status, headers, svg) = app
        .raw(
            Request::get(format!("/api/v1/certificates/{id}/qr.svg"))
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers[header::CONTENT_TYPE], "image/svg+xml");
    let svg_path = app.dir.path().join("qr.svg");
    let png_path = app.dir.path().join("qr-from-svg.png");
    std::fs::write(&svg_path, &svg).unwrap();
    let status = Command::new("rsvg-convert")
        .arg(&svg_path)
        .arg("-o")
        .arg(&png_path)
        .status()
        .unwrap();
    assert!(status.success());
    assert_eq!(zbarimg(&png_path), format!("{BASE_URL}/c/{id}"));
}

#[tokio::test]
async fn a_qr_for_an_unknown_certificate_is_a_404_problem() {
    let app = TestApp::sqlite().await;
    let (status, body) = app.get("/api/v1/certificates/nosuch/qr.png").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body["status"], 404);
}
