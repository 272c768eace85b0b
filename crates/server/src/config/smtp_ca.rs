//! `--smtp-ca-file PATH`: the certificates (PEM) of a CA that the SMTP server's certificate may
//! be issued by, beside the system's roots. Read and checked at start, so a file that is not a
//! certificate stops the server then, naming the file, instead of failing every email later.

use lettre::transport::smtp::client::{Certificate, TlsParameters};
use std::path::{Path, PathBuf};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SmtpCa {
    pub path: PathBuf,
    /// The file's PEM text, one or more certificates.
    pub pem: Vec<u8>,
}

impl SmtpCa {
    pub fn load(path: &Path) -> Result<Self, String> {
        let shown = path.display();
        let pem = std::fs::read(path).map_err(|e| format!("--smtp-ca-file {shown}: {e}"))?;
        let certificates = String::from_utf8_lossy(&pem)
            .matches("-----BEGIN CERTIFICATE-----")
            .count();
        if certificates == 0 {
            return Err(format!(
                "--smtp-ca-file {shown} holds no PEM certificate (-----BEGIN CERTIFICATE-----)"
            ));
        }
        let certificate = Certificate::from_pem(&pem).map_err(|e| {
            format!("--smtp-ca-file {shown} does not parse as PEM certificates: {e}")
        })?;
        // Trusting it is where a certificate that is not one fails.
        TlsParameters::builder("localhost".to_owned())
            .add_root_certificate(certificate)
            .build_rustls()
            .map_err(|e| format!("--smtp-ca-file {shown} cannot be trusted: {e}"))?;
        Ok(Self {
            path: path.to_owned(),
            pem,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_that_is_not_a_certificate_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("missing.pem");
        assert!(SmtpCa::load(&missing).unwrap_err().contains("missing.pem"));
        let text = dir.path().join("notes.txt");
        std::fs::write(&text, "not a certificate").unwrap();
        assert!(
            SmtpCa::load(&text)
                .unwrap_err()
                .contains("no PEM certificate")
        );
        let broken = dir.path().join("broken.pem");
        std::fs::write(
            &broken,
            "-----BEGIN CERTIFICATE-----\n!!!! not base64 !!!!\n-----END CERTIFICATE-----\n",
        )
        .unwrap();
        assert!(SmtpCa::load(&broken).unwrap_err().contains("broken.pem"));
    }
}
