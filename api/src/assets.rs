//! The browser side of Normwatch, compiled into the binary from `api/assets/`: the reference
//! dashboard (`GET /`), the GraphiQL page (`GET /graphql` without a query) and the files both
//! load (`GET /assets/...`).
//!
//! Why in the binary: the API must work offline and a page that holds an editor's bearer token
//! must not run another origin's scripts. So nothing is loaded from a CDN; GraphiQL and React are
//! pinned production builds from the npm registry (`api/assets/vendor/README.md` names versions
//! and hashes, `scripts/vendor-assets.sh` re-fetches and verifies them), and every page is sent
//! with a [`CONTENT_SECURITY_POLICY`] that allows scripts, styles and requests from this origin
//! only, with no inline script.
//!
//! Caching: vendored files live in directories named after their version, so they are cached for
//! a year as immutable; our own files change with the binary, so browsers revalidate them every
//! time (`no-cache`) against an `ETag` made from the file's SHA-256, which costs a 304.

use poem::{
    handler,
    http::{header, HeaderValue, StatusCode},
    web::Path,
    IntoResponse, Request, Response,
};
use rust_embed::RustEmbed;

/// Every file under `api/assets/` except the vendor notes (README, checksums), which are for
/// maintainers, not browsers.
#[derive(RustEmbed)]
#[folder = "assets/"]
#[exclude = "*.md"]
#[exclude = "*/SHA256SUMS"]
struct Assets;

/// The policy every page is sent with: only same-origin scripts (no inline script, no `eval`),
/// styles, fonts and requests. `data:` is allowed for images and fonts because GraphiQL's
/// stylesheet carries its fonts and icons inline.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; \
     style-src 'self'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; \
     base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/// The dashboard's page, at `/`.
const DASHBOARD_PAGE: &str = "dashboard/index.html";
/// The GraphiQL page, at `GET /graphql`.
const GRAPHIQL_PAGE: &str = "graphiql/index.html";

/// `GET /`: the reference dashboard.
#[handler]
pub fn dashboard(req: &Request) -> Response {
    serve(req, DASHBOARD_PAGE)
}

/// `GET /assets/*path`: one embedded file, or 404.
#[handler]
pub fn asset(req: &Request, Path(path): Path<String>) -> Response {
    serve(req, &path)
}

/// The GraphiQL page, for `GET /graphql` without a query.
pub fn graphiql(req: &Request) -> Response {
    serve(req, GRAPHIQL_PAGE)
}

/// One embedded file with its type, validators and cache policy; a page (`.html`) also gets
/// the security headers.
fn serve(req: &Request, path: &str) -> Response {
    let Some(file) = Assets::get(path) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let etag = etag_of(&file.metadata.sha256_hash());
    let mut resp = if matches_etag(req, &etag) {
        Response::builder()
            .status(StatusCode::NOT_MODIFIED)
            .finish()
    } else {
        Response::builder()
            .header(header::CONTENT_TYPE, content_type(path))
            .body(file.data.into_owned())
    };
    let headers = resp.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&etag) {
        headers.insert(header::ETAG, v);
    }
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(cache_control(path)),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    if path.ends_with(".html") {
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CONTENT_SECURITY_POLICY),
        );
        // Source links on the dashboard lead elsewhere; they need not say where from.
        headers.insert(
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        );
    }
    resp
}

/// A strong `ETag` from the first 16 bytes of the file's SHA-256, in hex.
fn etag_of(sha256: &[u8; 32]) -> String {
    let hex: String = sha256[..16].iter().map(|b| format!("{b:02x}")).collect();
    format!("\"{hex}\"")
}

/// Whether the request's `If-None-Match` lists `etag` (or `*`).
fn matches_etag(req: &Request, etag: &str) -> bool {
    req.headers()
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|t| t.trim().trim_start_matches("W/"))
        .any(|t| t == "*" || t == etag)
}

/// The media type by extension; the files are ours, so the list is short. Scripts must be
/// `text/javascript` for browsers to run them as modules under `nosniff`.
fn content_type(path: &str) -> &'static str {
    match path.rsplit_once('.').map(|(_, ext)| ext) {
        Some("html") => "text/html; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("png") => "image/png",
        Some("svg") => "image/svg+xml",
        Some("json") => "application/json",
        _ => "text/plain; charset=utf-8",
    }
}

/// Vendored files never change under their versioned path; ours change with the binary.
fn cache_control(path: &str) -> &'static str {
    if path.starts_with("vendor/") {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The checksums file names every vendored file, its hash is what the binary serves, and
    /// the vendor README shows the same hash: the three cannot drift apart.
    #[test]
    fn vendored_files_match_their_recorded_hashes() {
        let sums = include_str!("../assets/vendor/SHA256SUMS");
        let readme = include_str!("../assets/vendor/README.md");
        let mut files = 0;
        for line in sums.lines().filter(|l| !l.trim().is_empty()) {
            let (hash, name) = line.split_once("  ").expect("`<sha256>  <file>` lines");
            let file = Assets::get(&format!("vendor/{name}"))
                .unwrap_or_else(|| panic!("vendor/{name} is not embedded"));
            let actual: String = file
                .metadata
                .sha256_hash()
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect();
            assert_eq!(actual, hash, "vendor/{name} differs from SHA256SUMS");
            assert!(
                readme.contains(hash),
                "api/assets/vendor/README.md does not list the hash of {name}"
            );
            files += 1;
        }
        let embedded = Assets::iter().filter(|p| p.starts_with("vendor/")).count();
        assert_eq!(
            embedded, files,
            "a vendored file is missing from SHA256SUMS"
        );
    }

    /// Every same-origin file a page links to is embedded, and no page links elsewhere (but
    /// to the API's own `/graphql`).
    #[test]
    fn pages_link_only_embedded_files() {
        for page in [DASHBOARD_PAGE, GRAPHIQL_PAGE] {
            let html = Assets::get(page).expect("page embedded").data;
            let html = std::str::from_utf8(&html).expect("UTF-8");
            let links: Vec<&str> = html
                .split(['"', '\''])
                .filter(|s| s.starts_with('/') || s.contains("://"))
                .collect();
            assert!(!links.is_empty(), "{page} links nothing");
            for link in links.into_iter().filter(|l| *l != "/graphql") {
                let path = link
                    .strip_prefix("/assets/")
                    .unwrap_or_else(|| panic!("{page} links {link}, outside /assets/"));
                assert!(Assets::get(path).is_some(), "{page} links missing {link}");
            }
        }
    }

    #[test]
    fn types_and_cache_policy() {
        assert_eq!(
            content_type("dashboard/app.js"),
            "text/javascript; charset=utf-8"
        );
        assert_eq!(content_type("x/index.html"), "text/html; charset=utf-8");
        assert_eq!(
            cache_control("vendor/react-18.3.1/react.production.min.js"),
            "public, max-age=31536000, immutable"
        );
        assert_eq!(cache_control("dashboard/app.js"), "no-cache");
        assert!(Assets::get("vendor/README.md").is_none());
        assert!(Assets::get("vendor/SHA256SUMS").is_none());
    }
}
