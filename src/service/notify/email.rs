//! The same events by e-mail, through the SMTP server `ORIGINE_SMTP_URL` names
//! (`smtp://host:port` without TLS, `?tls=required` for STARTTLS, `smtps://` for TLS;
//! `user:password@` when it wants a login), to the buyer account's address.

use lettre::message::header::ContentType;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::domain::watch::{Event, EventType};

/// An SMTP connection pool and the sender's address.
#[derive(Clone)]
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: lettre::message::Mailbox,
}

impl std::fmt::Debug for Mailer {
    /// Without the URL, which may hold a password.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Mailer(from {})", self.from)
    }
}

impl Mailer {
    /// A mailer for `url`, sending as `from`.
    ///
    /// # Errors
    /// A URL or address that does not parse; the message never repeats the URL, which may
    /// hold a password.
    pub fn new(url: &str, from: &str) -> anyhow::Result<Self> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|_| anyhow::anyhow!("ORIGINE_SMTP_URL is not an smtp:// or smtps:// URL"))?
            .timeout(Some(std::time::Duration::from_secs(20)))
            .build();
        let from = from
            .parse()
            .map_err(|e| anyhow::anyhow!("ORIGINE_SMTP_FROM {from:?}: {e}"))?;
        Ok(Self { transport, from })
    }

    /// Sends `event` to `to`, in Italian and English.
    ///
    /// # Errors
    /// A bad address or the server's refusal, as text for the delivery log.
    pub async fn send(&self, to: &str, message_id: &str, event: &Event) -> Result<(), String> {
        let to = to.parse().map_err(|e| format!("address {to:?}: {e}"))?;
        let (subject, body) = text(event);
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(subject)
            .header(ContentType::TEXT_PLAIN)
            .body(format!("{body}\n\n(id {message_id})\n"))
            .map_err(|e| e.to_string())?;
        self.transport
            .send(message)
            .await
            .map(drop)
            .map_err(|e| e.to_string())
    }
}

/// Subject and body of an event's e-mail, Italian first.
fn text(event: &Event) -> (String, String) {
    let d = &event.data;
    let (it, en) = match event.kind {
        EventType::CertificateSuspended => ("certificato sospeso", "certificate suspended"),
        EventType::CertificateRevoked => ("certificato revocato", "certificate revoked"),
        EventType::CertificateReinstated => {
            ("certificato di nuovo valido", "certificate valid again")
        }
        EventType::ProducerSuspended => ("produttore sospeso", "producer suspended"),
        EventType::ProducerRevoked => ("produttore revocato", "producer revoked"),
        EventType::ProducerReinstated => (
            "produttore di nuovo accreditato",
            "producer accredited again",
        ),
        EventType::Test => ("prova", "test"),
    };
    let what = match (&d.product, &d.producer) {
        (Some(product), Some(producer)) => format!("{product} — {producer}"),
        (None, Some(producer)) => producer.clone(),
        _ => d.id.clone(),
    };
    let subject = format!("Origine: {it} / {en}: {what}");
    let body = format!(
        "{it}: {what} ({id})\nMotivo: {reason}\nDal: {at}\nVerifica: {url}\n\n\
         {en}: {what} ({id})\nReason: {reason}\nSince: {at}\nCheck: {url}",
        id = d.id,
        reason = d.reason,
        at = d.effective_at,
        url = d.url,
    );
    (subject, body)
}
