//! `s3://bucket/prefix`: deploying to S3-compatible object storage (AWS S3, Cloudflare R2,
//! MinIO, Garage, Ceph, …).
//!
//! Requests are signed by `rusty-s3` (AWS Signature Version 4 as presigned URLs, sans-IO) and
//! sent by `ureq`, the HTTP client pressroom already has: no async runtime, no AWS SDK.
//! `Content-Type` and `Cache-Control` are signed along with each upload.
//!
//! Settings, flags first: endpoint `--endpoint`, `AWS_ENDPOINT_URL_S3`, `AWS_ENDPOINT_URL`
//! (path-style requests, `http://host:port/bucket/key`), else AWS itself
//! (`https://bucket.s3.REGION.amazonaws.com`); region `--region`, `AWS_REGION`,
//! `AWS_DEFAULT_REGION`, else `us-east-1`; credentials `AWS_ACCESS_KEY_ID`,
//! `AWS_SECRET_ACCESS_KEY` and, for temporary credentials, `AWS_SESSION_TOKEN`.
//! The key needs `s3:GetObject`, `s3:PutObject`, `s3:DeleteObject` and `s3:ListBucket` (without
//! the last, S3 answers a missing manifest with 403 instead of 404).

use super::{ObjectMeta, Parts, Target};
use crate::error::{Error, Result};
use crate::manifest;
use rusty_s3::actions::CreateMultipartUpload;
use rusty_s3::{Bucket, Credentials, S3Action, UrlStyle};
use std::time::Duration;

/// How long a signed request stays valid.
const EXPIRES: Duration = Duration::from_secs(15 * 60);
/// Attempts per request when the connection fails or the server answers 500, 502, 503 or 504.
const ATTEMPTS: u32 = 3;
/// The largest deployment manifest read back.
const MANIFEST_LIMIT: u64 = 512 * 1024 * 1024;

/// An S3 bucket and key prefix.
#[derive(Debug)]
pub struct S3Target {
    bucket: Bucket,
    credentials: Credentials,
    /// `""` or `site/`: every key starts with it.
    prefix: String,
    /// For messages: the endpoint URL.
    endpoint: String,
    agent: ureq::Agent,
}

/// An answer from the storage.
struct Reply {
    status: u16,
    body: Vec<u8>,
    /// The `ETag` header: a multipart upload lists its parts by them.
    etag: Option<String>,
}

/// A request's outcome: the reply, or why there was none.
type Answer = std::result::Result<Reply, NoAnswer>;

/// Why a request got no usable reply, after its retries.
#[derive(Debug, thiserror::Error)]
enum NoAnswer {
    /// The connection failed.
    #[error("cannot reach {endpoint}: {source}")]
    Unreachable {
        /// The storage endpoint.
        endpoint: String,
        /// What the HTTP client said.
        source: ureq::Error,
    },
    /// The storage answered with a server error on every attempt but the last.
    #[error("HTTP {0}")]
    ServerError(u16),
}

impl From<NoAnswer> for Error {
    fn from(e: NoAnswer) -> Self {
        Error::Other(e.to_string())
    }
}

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

impl S3Target {
    /// The target for `bucket/prefix` (what follows `s3://`), configured from the flags and
    /// the environment.
    pub fn from_env(rest: &str, endpoint: Option<&str>, region: Option<&str>) -> Result<Self> {
        let region = region
            .map(str::to_string)
            .or_else(|| env("AWS_REGION"))
            .or_else(|| env("AWS_DEFAULT_REGION"))
            .unwrap_or_else(|| "us-east-1".into());
        let endpoint = endpoint
            .map(str::to_string)
            .or_else(|| env("AWS_ENDPOINT_URL_S3"))
            .or_else(|| env("AWS_ENDPOINT_URL"));
        let (Some(key), Some(secret)) = (env("AWS_ACCESS_KEY_ID"), env("AWS_SECRET_ACCESS_KEY"))
        else {
            return Err(Error::Usage(
                "no S3 credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN for temporary credentials); nothing was changed".into(),
            ));
        };
        let credentials = match env("AWS_SESSION_TOKEN") {
            Some(token) => Credentials::new_with_token(key, secret, token),
            None => Credentials::new(key, secret),
        };
        S3Target::new(rest, endpoint, &region, credentials)
    }

    /// The target for `bucket/prefix` at `endpoint` (path-style), or AWS when None.
    pub fn new(
        rest: &str,
        endpoint: Option<String>,
        region: &str,
        credentials: Credentials,
    ) -> Result<Self> {
        let (name, prefix) = rest.split_once('/').unwrap_or((rest, ""));
        if name.is_empty() {
            return Err(Error::Usage(
                "--target s3:// needs a bucket: s3://bucket or s3://bucket/prefix".into(),
            ));
        }
        let prefix = prefix.trim_matches('/');
        let prefix = if prefix.is_empty() {
            String::new()
        } else {
            format!("{prefix}/")
        };
        let (endpoint, style) = match endpoint {
            Some(e) => (e, UrlStyle::Path),
            None => (
                format!("https://s3.{region}.amazonaws.com"),
                UrlStyle::VirtualHost,
            ),
        };
        let url = url::Url::parse(&endpoint).map_err(|e| {
            Error::Usage(format!(
                "the S3 endpoint `{endpoint}` is not a URL such as https://s3.example.com: {e}"
            ))
        })?;
        let bucket = Bucket::new(url, style, name.to_string(), region.to_string()).map_err(|e| {
            Error::Usage(format!(
                "cannot use bucket `{name}` at `{endpoint}`: {e} (the endpoint must be an http:// or https:// URL)"
            ))
        })?;
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .timeout_connect(Some(Duration::from_secs(10)))
            .timeout_recv_response(Some(Duration::from_secs(60)))
            .timeout_send_body(Some(Duration::from_secs(600)))
            .user_agent(concat!(
                "pressroom/",
                env!("CARGO_PKG_VERSION"),
                " (deploy)"
            ))
            .build()
            .into();
        Ok(S3Target {
            bucket,
            credentials,
            prefix,
            endpoint,
            agent,
        })
    }

    /// The object key of a site path.
    pub fn key(&self, site_path: &str) -> String {
        format!("{}{}", self.prefix, site_path.trim_start_matches('/'))
    }

    /// Sends one request, retrying connection failures and 5xx answers.
    fn send(
        &self,
        request: impl Fn() -> std::result::Result<ureq::http::Response<ureq::Body>, ureq::Error>,
    ) -> Answer {
        let mut attempt = 0;
        loop {
            if attempt > 0 {
                std::thread::sleep(Duration::from_millis(250 * 4u64.pow(attempt - 1)));
            }
            let failure = match request() {
                Ok(mut response) => {
                    let status = response.status().as_u16();
                    let etag = response
                        .headers()
                        .get("etag")
                        .and_then(|v| v.to_str().ok())
                        .map(str::to_string);
                    let body = response
                        .body_mut()
                        .with_config()
                        .limit(MANIFEST_LIMIT)
                        .read_to_vec()
                        .unwrap_or_default();
                    if !(matches!(status, 500 | 502 | 503 | 504) && attempt + 1 < ATTEMPTS) {
                        return Ok(Reply { status, body, etag });
                    }
                    NoAnswer::ServerError(status)
                }
                Err(source) => NoAnswer::Unreachable {
                    endpoint: self.endpoint.clone(),
                    source,
                },
            };
            attempt += 1;
            if attempt == ATTEMPTS {
                return Err(failure);
            }
        }
    }

    /// An error for an answer that is not a success.
    fn refused(&self, status: u16, body: &[u8]) -> Error {
        let text = String::from_utf8_lossy(body);
        let code = xml_text(&text, "Code").unwrap_or_default();
        let message = xml_text(&text, "Message").unwrap_or_default();
        let detail = match (code.is_empty(), message.is_empty()) {
            (false, false) => format!("{code}: {message}"),
            (false, true) => code.clone(),
            (true, false) => message.clone(),
            (true, true) => format!("HTTP {status}"),
        };
        let bucket = self.bucket.name();
        let hint = match (status, code.as_str()) {
            (
                _,
                "InvalidAccessKeyId"
                | "SignatureDoesNotMatch"
                | "NotSignedUp"
                | "InvalidToken"
                | "ExpiredToken",
            )
            | (401, _) => format!(
                "the storage at {} refused the credentials; check AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN",
                self.endpoint
            ),
            (403, _) => format!(
                "access to bucket `{bucket}` was denied; the key needs s3:GetObject, s3:PutObject, s3:DeleteObject and s3:ListBucket there"
            ),
            (_, "NoSuchBucket") => format!(
                "bucket `{bucket}` does not exist at {}; create it, or check --endpoint and the bucket name",
                self.endpoint
            ),
            (
                _,
                "AuthorizationHeaderMalformed"
                | "PermanentRedirect"
                | "IllegalLocationConstraintException",
            )
            | (301 | 307, _) => format!(
                "bucket `{bucket}` is in another region or at another endpoint; set --region (or AWS_REGION) or --endpoint"
            ),
            _ => format!("the storage at {} answered HTTP {status}", self.endpoint),
        };
        Error::Other(format!("{hint} ({detail})"))
    }
}

impl S3Target {
    /// Sends every part of a multipart upload, then completes it. The object appears only at
    /// completion, which happens only after `parts` confirmed the content.
    fn upload_parts(&self, key: &str, upload_id: &str, parts: &mut Parts) -> Result<()> {
        let mut etags = Vec::new();
        while let Some(part) = parts.next_part()? {
            let number = u16::try_from(etags.len() + 1).map_err(|_| {
                Error::Other("more than 10,000 parts in one multipart upload".into())
            })?;
            let url = self
                .bucket
                .upload_part(Some(&self.credentials), key, number, upload_id)
                .sign(EXPIRES);
            let Reply { status, body, etag } =
                self.send(|| self.agent.put(url.as_str()).send(&part[..]))?;
            if !(200..=299).contains(&status) {
                return Err(self.refused(status, &body));
            }
            let etag = etag.ok_or_else(|| {
                Error::Other(format!(
                    "the storage at {} accepted part {number} without an ETag header",
                    self.endpoint
                ))
            })?;
            etags.push(etag);
        }
        let complete = self.bucket.complete_multipart_upload(
            Some(&self.credentials),
            key,
            upload_id,
            etags.iter().map(String::as_str),
        );
        let url = complete.sign(EXPIRES);
        let document = complete.body();
        let Reply { status, body, .. } =
            self.send(|| self.agent.post(url.as_str()).send(document.as_bytes()))?;
        // S3 may answer 200 and still report a failure in the body.
        let failed = String::from_utf8_lossy(&body).contains("<Error>");
        if !(200..=299).contains(&status) || failed {
            return Err(self.refused(status, &body));
        }
        Ok(())
    }
}

/// The URL of `action` signed together with the object's `Cache-Control` and `Content-Type`,
/// which the request must then send as they are.
fn signed_with_meta<'a>(mut action: impl S3Action<'a>, meta: ObjectMeta) -> url::Url {
    action
        .headers_mut()
        .insert("cache-control", meta.cache_control);
    action
        .headers_mut()
        .insert("content-type", meta.content_type);
    action.sign(EXPIRES)
}

/// The text of the first `<tag>…</tag>` in an S3 error document.
fn xml_text(xml: &str, tag: &str) -> Option<String> {
    let open = format!("<{tag}>");
    let start = xml.find(&open)? + open.len();
    let end = start + xml[start..].find(&format!("</{tag}>"))?;
    Some(xml[start..end].trim().to_string())
}

impl Target for S3Target {
    fn read_manifest(&self) -> Result<Option<Vec<u8>>> {
        // Ask for the bucket first: some S3-compatible stores answer a missing bucket's object
        // with NoSuchKey and then create the bucket on the first upload, so a mistyped bucket
        // name would become a new, unserved deployment. Other refusals are left to the GET
        // below, whose error document says more than a HEAD's empty body.
        let url = self
            .bucket
            .head_bucket(Some(&self.credentials))
            .sign(EXPIRES);
        let head = self.send(|| self.agent.head(url.as_str()).call())?;
        if head.status == 404 {
            return Err(self.refused(404, b"<Error><Code>NoSuchBucket</Code></Error>"));
        }
        let key = self.key(manifest::FILE);
        let url = self
            .bucket
            .get_object(Some(&self.credentials), &key)
            .sign(EXPIRES);
        let Reply { status, body, .. } = self.send(|| self.agent.get(url.as_str()).call())?;
        match status {
            200 => Ok(Some(body)),
            404 if xml_text(&String::from_utf8_lossy(&body), "Code").as_deref()
                != Some("NoSuchBucket") =>
            {
                Ok(None)
            }
            _ => Err(self.refused(status, &body)),
        }
    }

    fn put(&self, path: &str, body: &[u8], meta: ObjectMeta) -> Result<()> {
        let key = self.key(path);
        let url = signed_with_meta(self.bucket.put_object(Some(&self.credentials), &key), meta);
        let Reply { status, body, .. } = self.send(|| {
            self.agent
                .put(url.as_str())
                .header("cache-control", meta.cache_control)
                .header("content-type", meta.content_type)
                .send(body)
        })?;
        match status {
            200..=299 => Ok(()),
            _ => Err(self.refused(status, &body)),
        }
    }

    fn put_parts(&self, path: &str, parts: &mut Parts, meta: ObjectMeta) -> Result<()> {
        let key = self.key(path);
        let url = signed_with_meta(
            self.bucket
                .create_multipart_upload(Some(&self.credentials), &key),
            meta,
        );
        let Reply { status, body, .. } = self.send(|| {
            self.agent
                .post(url.as_str())
                .header("cache-control", meta.cache_control)
                .header("content-type", meta.content_type)
                .send_empty()
        })?;
        if !(200..=299).contains(&status) {
            return Err(self.refused(status, &body));
        }
        let created = CreateMultipartUpload::parse_response(&String::from_utf8_lossy(&body))
            .map_err(|e| {
                Error::Other(format!(
                    "the storage at {} answered the start of a multipart upload with a document pressroom cannot read: {e}",
                    self.endpoint
                ))
            })?;
        let upload_id = created.upload_id();
        let sent = self.upload_parts(&key, upload_id, parts);
        if sent.is_err() {
            // Best effort: parts of an abandoned upload cost storage until a lifecycle rule
            // removes them; the object itself is unchanged either way.
            let url = self
                .bucket
                .abort_multipart_upload(Some(&self.credentials), &key, upload_id)
                .sign(EXPIRES);
            let _ = self.send(|| self.agent.delete(url.as_str()).call());
        }
        sent
    }

    fn delete(&self, path: &str) -> Result<()> {
        let key = self.key(path);
        let url = self
            .bucket
            .delete_object(Some(&self.credentials), &key)
            .sign(EXPIRES);
        let Reply { status, body, .. } = self.send(|| self.agent.delete(url.as_str()).call())?;
        match status {
            200..=299 | 404 => Ok(()),
            _ => Err(self.refused(status, &body)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_error_documents() {
        let xml = "<?xml version=\"1.0\"?><Error><Code>NoSuchBucket</Code><Message>The specified bucket does not exist</Message></Error>";
        assert_eq!(xml_text(xml, "Code").as_deref(), Some("NoSuchBucket"));
        assert_eq!(
            xml_text(xml, "Message").as_deref(),
            Some("The specified bucket does not exist")
        );
        assert_eq!(xml_text("", "Code"), None);
    }

    #[test]
    fn keys_and_refusals() {
        let creds = Credentials::new("AKIAEXAMPLE", "secret");
        let t = S3Target::new(
            "site/news/",
            Some("http://127.0.0.1:9".into()),
            "eu-north-1",
            creds.clone(),
        )
        .unwrap();
        assert_eq!(t.key("/press/x/index.html"), "news/press/x/index.html");
        let root = S3Target::new("site", None, "eu-north-1", creds.clone()).unwrap();
        assert_eq!(root.key("/index.html"), "index.html");
        assert!(S3Target::new("", None, "us-east-1", creds.clone()).is_err());
        assert!(S3Target::new("b", Some("ftp://x".into()), "us-east-1", creds).is_err());
        let bad_key = t
            .refused(403, b"<Error><Code>InvalidAccessKeyId</Code><Message>The AWS Access Key Id you provided does not exist in our records.</Message></Error>")
            .to_string();
        assert!(bad_key.contains("refused the credentials"), "{bad_key}");
        assert!(bad_key.contains("AWS_SECRET_ACCESS_KEY"), "{bad_key}");
        let bad_sig = t
            .refused(403, b"<Error><Code>SignatureDoesNotMatch</Code></Error>")
            .to_string();
        assert!(bad_sig.contains("refused the credentials"), "{bad_sig}");
        let denied = t
            .refused(403, b"<Error><Code>AccessDenied</Code></Error>")
            .to_string();
        assert!(denied.contains("s3:PutObject"), "{denied}");
        let region = t
            .refused(
                400,
                b"<Error><Code>AuthorizationHeaderMalformed</Code></Error>",
            )
            .to_string();
        assert!(region.contains("--region"), "{region}");
    }
}
