//! One message to one recipient over SMTP, with the outcome classified the way the bounce list
//! needs: a permanent refusal of the recipient (5xx on `RCPT TO`) is a bounce; anything else that
//! goes wrong (no connection, a timeout, a 4xx, a 5xx on `MAIL FROM` or `DATA`, which says
//! nothing about the address) is worth another attempt later.
//!
//! The commands are sent one by one on lettre's connection, rather than through its transport,
//! because only then is it known which command a refusal answered.

pub use crate::config::SmtpUrl;
use lettre::Address;
use lettre::message::header::ContentType;
use lettre::message::{Mailbox, Message};
use lettre::transport::smtp::client::AsyncSmtpConnection;
use lettre::transport::smtp::commands::{Data, Mail, Rcpt};
use lettre::transport::smtp::extension::ClientId;
use std::str::FromStr;
use std::time::Duration;

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

/// Sends `subject` and `body` as plain text from `from` to `to`. Never fails: every way it can
/// go wrong is an outcome. Gives up after `timeout` for the whole exchange.
pub async fn send(
    server: &SmtpUrl,
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
        .header(ContentType::TEXT_PLAIN)
        .body(body.to_owned());
    let message = match message {
        Ok(message) => message.formatted(),
        Err(e) => return Sent::Undeliverable(format!("the message cannot be built: {e}")),
    };
    match tokio::time::timeout(timeout, exchange(server, &from.email, &recipient, &message)).await {
        Ok(sent) => sent,
        Err(_) => Sent::Deferred(format!(
            "{server} did not complete the exchange within {} s",
            timeout.as_secs_f32()
        )),
    }
}

async fn exchange(server: &SmtpUrl, from: &Address, to: &Address, message: &[u8]) -> Sent {
    let stream = match tokio::net::TcpStream::connect((server.host.as_str(), server.port)).await {
        Ok(stream) => stream,
        Err(e) => return Sent::Deferred(format!("cannot connect to {server}: {e}")),
    };
    let mut conn =
        match AsyncSmtpConnection::connect_with_transport(Box::new(stream), &ClientId::default())
            .await
        {
            Ok(conn) => conn,
            Err(e) => return Sent::Deferred(format!("{server} did not greet: {e}")),
        };
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn smtp_urls_name_a_host_and_a_port() {
        assert_eq!(
            "smtp://127.0.0.1:2525".parse::<SmtpUrl>(),
            Ok(SmtpUrl::new("127.0.0.1", 2525))
        );
        assert_eq!(
            "SMTP://mail.internal/".parse::<SmtpUrl>(),
            Ok(SmtpUrl::new("mail.internal", 25))
        );
        assert_eq!(
            "smtp://[::1]:25".parse::<SmtpUrl>(),
            Ok(SmtpUrl::new("::1", 25))
        );
        assert_eq!(SmtpUrl::new("::1", 25).to_string(), "smtp://[::1]:25");
        for bad in [
            "smtps://mail:465",
            "mail:25",
            "smtp://:25",
            "smtp://mail:0",
            "smtp://mail:x",
            "smtp://user:pw@mail:25",
            "smtp://mail:25/path",
        ] {
            assert!(bad.parse::<SmtpUrl>().is_err(), "{bad}");
        }
    }
}
