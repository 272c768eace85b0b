//! `csvFile`: a CSV file on the server's disk that another job writes (an HR export), read whole
//! when an import starts. Its columns are an upload's.
//!
//! A file still being written must not be imported: its missing rows would plan as users removed.
//! Two signs are checked: the file changed while it was read (size or modification time), and
//! its last row has no line break after it. An export job that writes to a temporary name and
//! renames the file when done never trips either.

use super::SourceError;
use axum::body::Bytes;
use safeguard_rules::api::CsvFileSettings;
use std::fs::Metadata;
use std::io::Read;
use std::time::SystemTime;

/// The file's bytes, or why it cannot be imported now.
pub async fn read(settings: &CsvFileSettings, max_bytes: u64) -> Result<Bytes, SourceError> {
    let path = settings.path.clone();
    let max = max_bytes;
    tokio::task::spawn_blocking(move || read_now(&path, max))
        .await
        .map_err(|e| unreadable(&settings.path, &format!("the read stopped: {e}")))?
}

fn read_now(path: &str, max_bytes: u64) -> Result<Bytes, SourceError> {
    let before = std::fs::metadata(path).map_err(|e| unreadable(path, &io_reason(&e)))?;
    if !before.is_file() {
        return Err(unreadable(path, "is not a file"));
    }
    if before.len() > max_bytes {
        return Err(SourceError::TooLarge {
            detail: format!(
                "The file {path} is {} bytes, more than this server reads ({max_bytes} bytes, its --max-body-bytes); nothing was imported.",
                before.len()
            ),
            errors: Vec::new(),
        });
    }
    // Never more than the limit, whatever the size said: some files (under /proc, say) report
    // a size of 0 and read on for ever.
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|file| file.take(max_bytes + 1).read_to_end(&mut bytes))
        .map_err(|e| unreadable(path, &io_reason(&e)))?;
    if bytes.len() as u64 > max_bytes {
        return Err(SourceError::TooLarge {
            detail: format!(
                "The file {path} is larger than this server reads ({max_bytes} bytes, its --max-body-bytes); nothing was imported."
            ),
            errors: Vec::new(),
        });
    }
    let after = std::fs::metadata(path).map_err(|e| unreadable(path, &io_reason(&e)))?;
    if changed(&before, &after) || bytes.len() as u64 != after.len() {
        return Err(unreadable(
            path,
            "changed while it was read: it is still being written; the next import reads it whole",
        ));
    }
    if bytes.is_empty() {
        return Err(unreadable(
            path,
            "is empty: not even the header row is there (a file being created, or an export that failed)",
        ));
    }
    if bytes.last() != Some(&b'\n') {
        return Err(unreadable(
            path,
            "ends in the middle of a row, without a line break after the last one, as a file still being written does; nothing was imported",
        ));
    }
    Ok(Bytes::from(bytes))
}

fn changed(before: &Metadata, after: &Metadata) -> bool {
    let modified = |m: &Metadata| m.modified().unwrap_or(SystemTime::UNIX_EPOCH);
    before.len() != after.len() || modified(before) != modified(after)
}

fn io_reason(error: &std::io::Error) -> String {
    match error.kind() {
        std::io::ErrorKind::NotFound => "does not exist".to_owned(),
        std::io::ErrorKind::PermissionDenied => {
            "cannot be read by the server's user (permission denied)".to_owned()
        }
        _ => format!("cannot be read: {error}"),
    }
}

fn unreadable(path: &str, reason: &str) -> SourceError {
    let detail = if reason.ends_with("imported") {
        format!("The file {path} {reason}.")
    } else {
        format!("The file {path} {reason}; nothing was imported.")
    };
    SourceError::Unreadable { detail }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(path: &std::path::Path) -> CsvFileSettings {
        CsvFileSettings {
            path: path.display().to_string(),
            schedule: None,
        }
    }

    fn detail(error: SourceError) -> String {
        match error {
            SourceError::Unreadable { detail } => detail,
            other => panic!("not unreadable: {other:?}"),
        }
    }

    #[tokio::test]
    async fn a_whole_file_is_read() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("hr.csv");
        std::fs::write(&path, "externalId,login\n1,ada@example.com\n").unwrap();
        let bytes = read(&settings(&path), 1 << 20).await.unwrap();
        assert_eq!(&bytes[..], b"externalId,login\n1,ada@example.com\n");
    }

    #[tokio::test]
    async fn a_missing_file_says_so_and_where() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("absent.csv");
        let detail = detail(read(&settings(&path), 1 << 20).await.unwrap_err());
        assert!(detail.contains("absent.csv does not exist"), "{detail}");
    }

    #[tokio::test]
    async fn a_file_cut_mid_row_is_not_imported() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("hr.csv");
        std::fs::write(&path, "externalId,login\n1,ada@example.com\n2,gra").unwrap();
        let detail = detail(read(&settings(&path), 1 << 20).await.unwrap_err());
        assert!(detail.contains("middle of a row"), "{detail}");
    }

    #[tokio::test]
    async fn an_empty_file_is_not_imported() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("hr.csv");
        std::fs::write(&path, "").unwrap();
        let detail = detail(read(&settings(&path), 1 << 20).await.unwrap_err());
        assert!(detail.contains("is empty"), "{detail}");
    }
}
