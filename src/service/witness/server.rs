//! `origine witness serve`: C2SP tlog-witness over HTTP. `POST /add-checkpoint` answers with
//! exactly the spec's statuses: 200 and the cosignature lines, 400, 403, 404, 409 (with the
//! witnessed size as `text/x.tlog.size` when the old size is wrong), 422.

use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;

use super::protocol::{MAX_REQUEST, Refusal, Witness};

/// The witness's routes.
pub fn router(witness: Arc<Witness>) -> Router {
    Router::new()
        .route("/add-checkpoint", post(add_checkpoint))
        .with_state(witness)
}

fn text(status: StatusCode, content_type: &'static str, body: String) -> Response {
    let mut res = (status, body).into_response();
    res.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    res
}

async fn add_checkpoint(State(witness): State<Arc<Witness>>, req: Request<Body>) -> Response {
    let body = match axum::body::to_bytes(req.into_body(), MAX_REQUEST).await {
        Ok(body) => body,
        Err(_) => {
            return text(
                StatusCode::BAD_REQUEST,
                "text/plain; charset=utf-8",
                format!("the request is over {MAX_REQUEST} bytes or could not be read\n"),
            );
        }
    };
    let answer = tokio::task::spawn_blocking(move || witness.add_checkpoint(&body)).await;
    match answer {
        Ok(Ok(Ok(lines))) => text(StatusCode::OK, "text/plain; charset=utf-8", lines),
        Ok(Ok(Err(Refusal::Conflict { witnessed, .. }))) => text(
            StatusCode::CONFLICT,
            "text/x.tlog.size",
            format!("{witnessed}\n"),
        ),
        Ok(Ok(Err(refusal))) => text(
            StatusCode::from_u16(refusal.status()).unwrap_or(StatusCode::BAD_REQUEST),
            "text/plain; charset=utf-8",
            format!("{refusal}\n"),
        ),
        Ok(Err(e)) => {
            tracing::error!(error = %format!("{e:#}"), "the witness state could not be used");
            text(
                StatusCode::INTERNAL_SERVER_ERROR,
                "text/plain; charset=utf-8",
                "the witness could not read or write its state; nothing was cosigned\n".into(),
            )
        }
        Err(e) => {
            tracing::error!(error = %e, "add-checkpoint task failed");
            text(
                StatusCode::INTERNAL_SERVER_ERROR,
                "text/plain; charset=utf-8",
                "nothing was cosigned\n".into(),
            )
        }
    }
}
