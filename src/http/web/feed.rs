//! Atom feeds (RFC 4287) of status changes: the whole register's and each producer's.
//! Each entry's title is in the feed's language (Italian, or English with `?lang=en`) and
//! names the product and producer a person recognises, not the certificate code.

use std::collections::HashMap;

use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::lang::Lang;
use super::words::status_name;
use crate::domain::EntryKind;
use crate::http::error::AppError;
use crate::http::extract::{ApiPath, ApiQuery};
use crate::http::state::AppState;
use crate::service::buyers::certificate_names;
use crate::store::{LogEntry, Store, StoreError};

/// Entries in a feed.
const FEED_LENGTH: u32 = 50;

/// `?lang=` of a feed: `en` for English, anything else Italian.
#[derive(Debug, Default, Deserialize)]
pub struct FeedQuery {
    lang: Option<String>,
}

impl FeedQuery {
    fn lang(&self) -> Lang {
        if self.lang.as_deref() == Some("en") {
            Lang::En
        } else {
            Lang::It
        }
    }
}

/// Escapes text for XML content and attributes.
fn xml(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&apos;")
}

/// Entry titles in `l`: "Sospeso: Biscotti al farro — Cooperativa Uno" for a certificate,
/// "Produttore sospeso: Cooperativa Uno" for a producer.
async fn titles(store: &Store, l: Lang, entries: &[LogEntry]) -> Result<Vec<String>, StoreError> {
    let mut producers: HashMap<String, String> = HashMap::new();
    let mut out = Vec::with_capacity(entries.len());
    for e in entries {
        let status = e.status.map(|s| s.as_str()).unwrap_or_default();
        let word = status_name(l, status);
        if e.kind == EntryKind::ProducerStatus {
            let name = match producers.get(&e.subject) {
                Some(name) => name.clone(),
                None => {
                    let name = store
                        .producer(&e.subject)
                        .await?
                        .map_or_else(|| e.subject.clone(), |p| p.name);
                    producers.insert(e.subject.clone(), name.clone());
                    name
                }
            };
            out.push(format!("{} {word}: {name}", l.s("Produttore", "Producer")));
        } else {
            let (product, producer) = certificate_names(store, &e.subject).await?;
            let mut word = word.to_owned();
            if let Some(first) = word.get(..1) {
                word = first.to_uppercase() + &word[1..];
            }
            out.push(format!("{word}: {product} — {producer}"));
        }
    }
    Ok(out)
}

/// An Atom feed of status entries with their titles.
fn atom(
    base: &str,
    self_path: &str,
    title: &str,
    entries: &[LogEntry],
    titles: &[String],
) -> Response {
    let updated = entries
        .first()
        .and_then(|e| serde_json::from_str::<serde_json::Value>(&e.body).ok())
        .and_then(|b| b["effective_at"].as_str().map(str::to_owned))
        .unwrap_or_else(|| "1970-01-01T00:00:00Z".to_owned());
    let mut out = format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">\n\
         <id>{base}{self_path}</id>\n<title>{}</title>\n<updated>{}</updated>\n\
         <link rel=\"self\" href=\"{base}{self_path}\"/>\n<author><name>Origine</name></author>\n",
        xml(title),
        xml(&updated)
    );
    for (e, entry_title) in entries.iter().zip(titles) {
        let body: serde_json::Value = serde_json::from_str(&e.body).unwrap_or_default();
        let link = if e.kind == EntryKind::ProducerStatus {
            format!("{base}/producers/{}", e.subject)
        } else {
            format!("{base}/c/{}", e.subject)
        };
        let at = body["effective_at"].as_str().unwrap_or_default();
        out.push_str(&format!(
            "<entry>\n<id>{base}/api/v1/log/entries?start={seq}&amp;end={next}</id>\n\
             <title>{}</title>\n<updated>{}</updated>\n<link href=\"{}\"/>\n\
             <content type=\"text\">{}</content>\n</entry>\n",
            xml(entry_title),
            xml(at),
            xml(&link),
            xml(body["reason"].as_str().unwrap_or_default()),
            seq = e.seq,
            next = e.seq + 1,
        ));
    }
    out.push_str("</feed>\n");
    (
        [(header::CONTENT_TYPE, "application/atom+xml; charset=utf-8")],
        out,
    )
        .into_response()
}

/// `/feed.atom`: status changes in the whole register.
pub async fn feed(
    State(app): State<AppState>,
    ApiQuery(q): ApiQuery<FeedQuery>,
) -> Result<Response, AppError> {
    let l = q.lang();
    let entries = app.store.status_feed(None, FEED_LENGTH).await?;
    let titles = titles(&app.store, l, &entries).await?;
    let path = if l == Lang::En {
        "/feed.atom?lang=en"
    } else {
        "/feed.atom"
    };
    let title = l.s("Origine — variazioni di stato", "Origine — status changes");
    Ok(atom(&app.base_url, path, title, &entries, &titles))
}

/// `/producers/{id}/feed.atom`: status changes of one producer and its certificates.
pub async fn producer_feed(
    State(app): State<AppState>,
    ApiPath(id): ApiPath<String>,
    ApiQuery(q): ApiQuery<FeedQuery>,
) -> Result<Response, AppError> {
    let l = q.lang();
    let p = app
        .store
        .producer(&id)
        .await?
        .ok_or_else(|| AppError::not_found(format!("no producer with id {id:?}")))?;
    let entries = app.store.status_feed(Some(&p.id), FEED_LENGTH).await?;
    let titles = titles(&app.store, l, &entries).await?;
    let mut path = format!("/producers/{}/feed.atom", p.id);
    if l == Lang::En {
        path.push_str("?lang=en");
    }
    Ok(atom(
        &app.base_url,
        &path,
        &format!("Origine — {}", p.name),
        &entries,
        &titles,
    ))
}
