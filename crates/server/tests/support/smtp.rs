//! A small SMTP server on loopback for the email tests: it speaks just enough of RFC 5321
//! (greeting, EHLO/HELO, MAIL FROM, RCPT TO, DATA, RSET, NOOP, QUIT), accepts every recipient
//! except the ones it is told to refuse (550 on RCPT TO, a permanent refusal), and keeps what it
//! received. It can be stopped and started again on the same port, to play a mail server that is
//! down for a while.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::{JoinHandle, JoinSet};

/// One message as received.
#[derive(Clone, Debug)]
pub struct Received {
    pub from: String,
    pub to: Vec<String>,
    /// Headers and body, as sent (dot-stuffing undone).
    pub data: String,
}

impl Received {
    pub fn header(&self, name: &str) -> Option<String> {
        let (headers, _) = self.data.split_once("\r\n\r\n")?;
        header_of(headers, name)
    }

    /// The plain-text part, its transfer encoding undone (what a mail client shows).
    pub fn text(&self) -> String {
        self.part("text/plain")
            .unwrap_or_else(|| panic!("no text/plain part in {}", self.data))
    }

    /// The HTML part, its transfer encoding undone.
    pub fn html(&self) -> Option<String> {
        self.part("text/html")
    }

    /// The part of this media type: the message itself when it is not multipart, else the
    /// part of `multipart/alternative` that has it.
    fn part(&self, media_type: &str) -> Option<String> {
        let content_type = self.header("Content-Type").unwrap_or_default();
        let Some(boundary) = content_type
            .split(';')
            .find_map(|p| p.trim().strip_prefix("boundary="))
            .map(|b| b.trim_matches('"').to_owned())
        else {
            let (headers, body) = self.data.split_once("\r\n\r\n")?;
            return (content_type.is_empty() || content_type.starts_with(media_type))
                .then(|| decode(headers, body));
        };
        self.data
            .split(&format!("--{boundary}"))
            .filter_map(|part| part.trim_start_matches("\r\n").split_once("\r\n\r\n"))
            .find(|(headers, _)| {
                header_of(headers, "Content-Type").is_some_and(|t| t.starts_with(media_type))
            })
            // The line break before a boundary belongs to the boundary.
            .map(|(headers, body)| decode(headers, body.strip_suffix("\r\n").unwrap_or(body)))
    }
}

/// A header's value, its folded lines joined.
fn header_of(headers: &str, name: &str) -> Option<String> {
    let unfolded = headers.replace("\r\n ", " ").replace("\r\n\t", " ");
    unfolded.split("\r\n").find_map(|line| {
        let (key, value) = line.split_once(':')?;
        key.trim()
            .eq_ignore_ascii_case(name)
            .then(|| value.trim().to_owned())
    })
}

/// A body as text, its `Content-Transfer-Encoding` (quoted-printable or base64) undone.
fn decode(headers: &str, body: &str) -> String {
    let encoding = header_of(headers, "Content-Transfer-Encoding").unwrap_or_default();
    let text = if encoding.eq_ignore_ascii_case("quoted-printable") {
        decode_quoted_printable(body)
    } else if encoding.eq_ignore_ascii_case("base64") {
        use base64::Engine;
        let joined: String = body.split_whitespace().collect();
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(joined)
            .unwrap_or_default();
        String::from_utf8_lossy(&bytes).into_owned()
    } else {
        body.to_owned()
    };
    text.replace("\r\n", "\n")
}

fn decode_quoted_printable(text: &str) -> String {
    let text = text.replace("=\r\n", "");
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'=' && i + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("");
            if let Ok(b) = u8::from_str_radix(hex, 16) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[derive(Default)]
struct Mailbox {
    refused: HashSet<String>,
    received: Vec<Received>,
    connections: usize,
    /// RCPT TO commands refused so far.
    refusals: usize,
}

pub struct SmtpServer {
    pub port: u16,
    mailbox: Arc<Mutex<Mailbox>>,
    task: Option<JoinHandle<()>>,
}

impl SmtpServer {
    /// A server on a free loopback port that refuses these addresses (compared without case).
    pub async fn start(refused: &[&str]) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let mailbox = Arc::new(Mutex::new(Mailbox {
            refused: refused.iter().map(|a| a.to_lowercase()).collect(),
            ..Mailbox::default()
        }));
        let task = Some(tokio::spawn(serve(listener, mailbox.clone())));
        Self {
            port,
            mailbox,
            task,
        }
    }

    /// A port on which no server listens (yet): one started and stopped at once.
    pub async fn down(refused: &[&str]) -> Self {
        let mut server = Self::start(refused).await;
        server.stop().await;
        server
    }

    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// Stops listening and drops every open session: connections are refused from now on.
    pub async fn stop(&mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
            let _ = task.await;
        }
    }

    /// Listens again on the same port, with what it received so far.
    pub async fn restart(&mut self) {
        self.stop().await;
        let listener = TcpListener::bind(("127.0.0.1", self.port)).await.unwrap();
        self.task = Some(tokio::spawn(serve(listener, self.mailbox.clone())));
    }

    pub fn received(&self) -> Vec<Received> {
        self.mailbox.lock().unwrap().received.clone()
    }

    /// Accepts this address from now on (the mailbox was fixed).
    pub fn accept(&self, address: &str) {
        self.mailbox
            .lock()
            .unwrap()
            .refused
            .remove(&address.to_lowercase());
    }

    /// Recipients refused so far.
    pub fn refusals(&self) -> usize {
        self.mailbox.lock().unwrap().refusals
    }

    /// Sessions opened so far.
    pub fn connections(&self) -> usize {
        self.mailbox.lock().unwrap().connections
    }

    /// The messages received for `to`, waiting up to `within` for there to be `count` of them.
    pub async fn wait_for(&self, to: &str, count: usize, within: Duration) -> Vec<Received> {
        let deadline = tokio::time::Instant::now() + within;
        loop {
            let for_them: Vec<Received> = self
                .received()
                .into_iter()
                .filter(|m| m.to.iter().any(|t| t.eq_ignore_ascii_case(to)))
                .collect();
            if for_them.len() >= count {
                return for_them;
            }
            if tokio::time::Instant::now() > deadline {
                panic!(
                    "{to} got {} messages within {within:?}, not {count}",
                    for_them.len()
                );
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}

/// Accepts sessions until aborted; aborting it drops the listener and, with the set, every
/// session.
async fn serve(listener: TcpListener, mailbox: Arc<Mutex<Mailbox>>) {
    let mut sessions = JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                if let Ok((stream, _)) = accepted {
                    mailbox.lock().unwrap().connections += 1;
                    sessions.spawn(session(stream, mailbox.clone()));
                }
            }
            Some(_) = sessions.join_next(), if !sessions.is_empty() => {}
        }
    }
}

/// The address between `<` and `>` of `MAIL FROM:<a>` or `RCPT TO:<a>`.
fn angle(command: &str) -> String {
    let start = command.find('<').map_or(0, |i| i + 1);
    let end = command.rfind('>').unwrap_or(command.len());
    command[start..end.max(start)].to_owned()
}

async fn session(stream: TcpStream, mailbox: Arc<Mutex<Mailbox>>) -> std::io::Result<()> {
    let (read, mut write) = stream.into_split();
    let mut reader = BufReader::new(read);
    write
        .write_all(b"220 localhost test SMTP ready\r\n")
        .await?;
    let mut from = String::new();
    let mut to = Vec::new();
    let mut line = String::new();
    loop {
        line.clear();
        if reader.read_line(&mut line).await? == 0 {
            return Ok(());
        }
        let command = line.trim_end().to_owned();
        let verb = command
            .split([' ', ':'])
            .next()
            .unwrap_or("")
            .to_ascii_uppercase();
        let reply = match verb.as_str() {
            "EHLO" | "HELO" => "250 localhost".to_owned(),
            "MAIL" => {
                from = angle(&command);
                to.clear();
                "250 2.1.0 Ok".to_owned()
            }
            "RCPT" => {
                let address = angle(&command);
                if mailbox
                    .lock()
                    .unwrap()
                    .refused
                    .contains(&address.to_lowercase())
                {
                    mailbox.lock().unwrap().refusals += 1;
                    format!(
                        "550 5.1.1 <{address}>: Recipient address rejected: User unknown in local recipient table"
                    )
                } else {
                    to.push(address);
                    "250 2.1.5 Ok".to_owned()
                }
            }
            "DATA" if to.is_empty() => "554 5.5.1 Error: no valid recipients".to_owned(),
            "DATA" => {
                write
                    .write_all(b"354 End data with <CR><LF>.<CR><LF>\r\n")
                    .await?;
                let mut data = String::new();
                loop {
                    line.clear();
                    if reader.read_line(&mut line).await? == 0 {
                        return Ok(());
                    }
                    if line == ".\r\n" || line == ".\n" {
                        break;
                    }
                    data.push_str(line.strip_prefix('.').unwrap_or(&line));
                }
                let mut mailbox = mailbox.lock().unwrap();
                mailbox.received.push(Received {
                    from: from.clone(),
                    to: std::mem::take(&mut to),
                    data,
                });
                format!("250 2.0.0 Ok: queued as {}", mailbox.received.len())
            }
            "RSET" => {
                from.clear();
                to.clear();
                "250 2.0.0 Ok".to_owned()
            }
            "NOOP" => "250 2.0.0 Ok".to_owned(),
            "QUIT" => {
                write.write_all(b"221 2.0.0 Bye\r\n").await?;
                return Ok(());
            }
            _ => "502 5.5.2 Error: command not recognized".to_owned(),
        };
        write.write_all(format!("{reply}\r\n").as_bytes()).await?;
    }
}
