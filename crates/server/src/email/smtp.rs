//! One message to one recipient over SMTP, with the outcome classified the way the bounce list
//! needs: a permanent refusal of the recipient (5xx on `RCPT TO`) is a bounce; anything else that
//! goes wrong (no connection, a timeout, a 4xx, a 5xx on `MAIL FROM` or `DATA`, which says
//! nothing about the address) is worth another attempt later.
//!
//! The commands are sent one by one on lettre's connection, rather than through its transport,
//! because only then is it known which command a refusal answered.
//!
//! The connection is secured as the URL says ([`SmtpSecurity`]) with rustls, trusting the
//! system's roots and the `--smtp-ca-file`, and signs in (AUTH PLAIN or LOGIN) only once it is
//! encrypted: a password is never sent over a plain connection.
//! A refused sign-in, like a refused certificate, says nothing about the recipient: it is
//! retried, and shows in the outbox's last error.

pub use crate::config::SmtpUrl;
use crate::config::{SmtpCa, SmtpSecurity};
use lettre::Address;
use lettre::message::{Mailbox, Message, MultiPart};
use lettre::transport::smtp::authentication::{Credentials, Mechanism};
use lettre::transport::smtp::client::{AsyncSmtpConnection, Certificate, TlsParameters};
use lettre::transport::smtp::commands::{Data, Mail, Rcpt};
use lettre::transport::smtp::extension::ClientId;
use std::str::FromStr;
use std::time::Duration;

/// Where to send, and whom to trust beside the system's roots.
#[derive(Clone, Copy, Debug)]
pub struct Server<'a> {
    pub url: &'a SmtpUrl,
    pub ca: Option<&'a SmtpCa>,
}

/// How one attempt ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Sent {
    /// Accepted; the server's reply to the message.
    Delivered(String),
    /// The server refused the recipient permanently; its reply.
    Bounced(String),
    /// Not now: the error, for the outbox and the next attempt.
    Deferred(String),
    /// Can never be sent (the recipient is not an address); why.
    Undeliverable(String),
}

/// Sends `subject` and `body` from `from` to `to`, as plain text and as the same text in HTML
/// ([`super::message::html`]). Never fails: every way it can go wrong is an outcome. Gives up
/// after `timeout` for the whole exchange.
pub async fn send(
    server: Server<'_>,
    from: &Mailbox,
    to: &str,
    subject: &str,
    body: &str,
    timeout: Duration,
) -> Sent {
    let recipient = match Address::from_str(to.trim()) {
        Ok(address) => address,
        Err(e) => return Sent::Undeliverable(format!("\"{to}\" is not an email address: {e}")),
    };
    let message = Message::builder()
        .from(from.clone())
        .to(Mailbox::new(None, recipient.clone()))
        .subject(subject)
        .multipart(MultiPart::alternative_plain_html(
            body.to_owned(),
            super::message::html(subject, body),
        ));
    let message = match message {
        Ok(message) => message.formatted(),
        Err(e) => return Sent::Undeliverable(format!("the message cannot be built: {e}")),
    };
    match tokio::time::timeout(timeout, exchange(server, &from.email, &recipient, &message)).await {
        Ok(sent) => sent,
        Err(_) => Sent::Deferred(format!(
            "{} did not complete the exchange within {} s",
            server.url,
            timeout.as_secs_f32()
        )),
    }
}

/// TLS towards the server's host name, trusting the system's roots and the CA file.
fn tls_parameters(server: Server<'_>) -> Result<TlsParameters, String> {
    let mut builder = TlsParameters::builder(server.url.host.clone());
    if let Some(ca) = server.ca {
        let certificate = Certificate::from_pem(&ca.pem)
            .map_err(|e| format!("the CA file {} cannot be read: {e}", ca.path.display()))?;
        builder = builder.add_root_certificate(certificate);
    }
    builder
        .build_rustls()
        .map_err(|e| format!("TLS cannot be set up: {e}"))
}

async fn exchange(server: Server<'_>, from: &Address, to: &Address, message: &[u8]) -> Sent {
    let url = server.url;
    let tls = match tls_parameters(server) {
        Ok(tls) => tls,
        Err(e) => return Sent::Deferred(e),
    };
    let hello = ClientId::default();
    let implicit = (url.security == SmtpSecurity::Tls).then(|| tls.clone());
    let mut conn = match AsyncSmtpConnection::connect_tokio1(
        (url.host.as_str(), url.port),
        None,
        &hello,
        implicit,
        None,
    )
    .await
    {
        Ok(conn) => conn,
        Err(e) => return Sent::Deferred(format!("cannot connect to {url}: {e}")),
    };
    if url.security != SmtpSecurity::Tls {
        if conn.can_starttls() {
            if let Err(e) = conn.starttls(tls, &hello).await {
                // No QUIT: a failed handshake leaves no stream to say it on.
                return Sent::Deferred(format!("STARTTLS with {url} failed: {e}"));
            }
        } else if url.security == SmtpSecurity::StartTlsRequired {
            conn.abort().await;
            return Sent::Deferred(format!(
                "{url} does not offer STARTTLS, and the URL requires it (tls=required); nothing was sent"
            ));
        }
    }
    if let Some(login) = &url.login {
        // A password never crosses the network in the clear.
        if !conn.is_encrypted() {
            conn.abort().await;
            return Sent::Deferred(format!(
                "{url} does not offer STARTTLS: the password is not sent over a plain connection; nothing was sent"
            ));
        }
        let credentials = Credentials::new(login.user.clone(), login.password.clone());
        if let Err(e) = conn
            .auth(&[Mechanism::Plain, Mechanism::Login], &credentials)
            .await
        {
            conn.abort().await;
            return Sent::Deferred(format!("{url} refused the sign-in of {}: {e}", login.user));
        }
    }
    if let Err(e) = conn
        .command(Mail::new(Some(from.clone()), Vec::new()))
        .await
    {
        conn.abort().await;
        return Sent::Deferred(format!("MAIL FROM refused: {e}"));
    }
    match conn.command(Rcpt::new(to.clone(), Vec::new())).await {
        Ok(_) => {}
        Err(e) if e.is_permanent() => {
            // The transaction is over for this message; leave politely.
            let _ = conn.quit().await;
            return Sent::Bounced(format!("RCPT TO refused: {e}"));
        }
        Err(e) => {
            conn.abort().await;
            return Sent::Deferred(format!("RCPT TO not accepted: {e}"));
        }
    }
    if let Err(e) = conn.command(Data).await {
        conn.abort().await;
        return Sent::Deferred(format!("DATA refused: {e}"));
    }
    let reply = match conn.message(message).await {
        Ok(reply) => reply,
        Err(e) => {
            conn.abort().await;
            return Sent::Deferred(format!("the message was not accepted: {e}"));
        }
    };
    // Accepted: a failed QUIT changes nothing.
    let _ = conn.quit().await;
    Sent::Delivered(format!(
        "{} {}",
        reply.code(),
        reply.message().collect::<Vec<_>>().join(" ")
    ))
}
