//! GraphiQL from the binary, so that it works in a closed network: our own page
//! (`api/assets/graphiql/index.html`), its bootstrap script and style sheet, and GraphiQL 4.1.2's
//! UMD bundle with React and React DOM 18.3.1 (production UMD builds), pinned from the npm
//! registry by `api/assets/graphiql/refresh.sh` and checked against its `SHA256SUMS`.
//!
//! The assets are served under `/graphiql/{fingerprint}/{name}`, where the fingerprint is a
//! digest of all of them: a URL never names two different contents, so the assets are cached
//! for a year (`immutable`) and the page itself (`no-cache`) names the current ones. The page
//! has no inline script or style, so that `Content-Security-Policy: script-src 'self'` holds.

use actix_web::http::header;
use actix_web::{HttpResponse, web};
use std::fmt::Write as _;
use std::sync::LazyLock;

/// One embedded file.
#[derive(Debug)]
struct Asset {
    name: &'static str,
    content_type: &'static str,
    body: &'static [u8],
}

const JAVASCRIPT: &str = "text/javascript; charset=utf-8";
const CSS: &str = "text/css; charset=utf-8";

macro_rules! asset {
    ($name:literal, $content_type:expr) => {
        Asset {
            name: $name,
            content_type: $content_type,
            body: include_bytes!(concat!("../../assets/graphiql/", $name)),
        }
    };
}

/// Every file the page loads.
static ASSETS: [Asset; 6] = [
    asset!("react.production.min.js", JAVASCRIPT),
    asset!("react-dom.production.min.js", JAVASCRIPT),
    asset!("graphiql.min.js", JAVASCRIPT),
    asset!("graphiql.min.css", CSS),
    asset!("app.js", JAVASCRIPT),
    asset!("app.css", CSS),
];

/// Where the assets live: `/graphiql/` and a digest of their names and contents.
static BASE: LazyLock<String> = LazyLock::new(|| {
    let mut context = ring::digest::Context::new(&ring::digest::SHA256);
    for asset in &ASSETS {
        context.update(asset.name.as_bytes());
        context.update(&[0]);
        context.update(&(asset.body.len() as u64).to_be_bytes());
        context.update(asset.body);
    }
    let digest = context.finish();
    let mut base = String::from("/graphiql/");
    for byte in digest.as_ref().iter().take(8) {
        let _ = write!(base, "{byte:02x}");
    }
    base
});

/// The page, with the assets' current URLs.
static PAGE: LazyLock<String> =
    LazyLock::new(|| include_str!("../../assets/graphiql/index.html").replace("{{assets}}", &BASE));

/// How long a fingerprinted asset may be cached: a year, the most RFC 9111 suggests.
const ASSET_CACHE_CONTROL: &str = "public, max-age=31536000, immutable";

/// The GraphiQL page. `/graphql` serves it to a browser (and adds `Vary: Accept`).
pub fn page() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "no-cache"))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .body(PAGE.as_str())
}

/// `GET /graphiql/{fingerprint}/{name}`: one asset of the page, or 404 when the name is unknown
/// or the fingerprint is not the current one (an old URL must never be cached with new content).
pub async fn asset(path: web::Path<(String, String)>) -> HttpResponse {
    let (fingerprint, name) = path.into_inner();
    let current = BASE.strip_prefix("/graphiql/").unwrap_or_default();
    match ASSETS.iter().find(|asset| asset.name == name) {
        Some(asset) if fingerprint == current => HttpResponse::Ok()
            .content_type(asset.content_type)
            .insert_header((header::CACHE_CONTROL, ASSET_CACHE_CONTROL))
            .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
            .body(asset.body),
        _ => HttpResponse::NotFound()
            .insert_header((header::CACHE_CONTROL, "no-store"))
            .finish(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sha256_hex(bytes: &[u8]) -> String {
        ring::digest::digest(&ring::digest::SHA256, bytes)
            .as_ref()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }

    #[test]
    fn the_vendored_files_are_the_pinned_ones() {
        let sums = include_str!("../../assets/graphiql/SHA256SUMS");
        let mut checked = 0;
        for line in sums.lines() {
            let (sum, name) = line.split_once("  ").expect("sha256sum's format");
            let Some(asset) = ASSETS.iter().find(|a| a.name == name) else {
                assert!(name.starts_with("LICENSE."), "{name} is not served");
                continue;
            };
            assert_eq!(
                sha256_hex(asset.body),
                sum,
                "{name} differs from SHA256SUMS"
            );
            checked += 1;
        }
        assert_eq!(checked, 4, "four third-party files are served");
    }

    #[test]
    fn the_page_loads_every_asset_from_its_own_origin_without_inline_code() {
        let page = PAGE.as_str();
        assert!(!page.contains("{{"), "every placeholder is filled");
        assert!(!page.contains("//"), "no absolute or protocol-relative URL");
        for asset in &ASSETS {
            assert!(
                page.contains(&format!("\"{}/{}\"", *BASE, asset.name)),
                "{} is referenced",
                asset.name
            );
        }
        // Every script has a source and no body: no inline script, no inline style.
        assert_eq!(
            page.matches("<script").count(),
            page.matches("\"></script>").count()
        );
        assert_eq!(
            page.matches("<script").count(),
            page.matches("<script src=").count()
        );
        assert!(!page.contains("<style") && !page.contains("style="));
        assert!(page.contains("data-endpoint=\"/graphql\""));
        assert_eq!(BASE.len(), "/graphiql/".len() + 16);
    }

    #[actix_web::test]
    async fn assets_are_served_with_their_type_and_cached_only_under_the_current_fingerprint() {
        let current = BASE.strip_prefix("/graphiql/").unwrap().to_owned();
        let response = asset(web::Path::from((current.clone(), "app.js".to_owned()))).await;
        assert_eq!(response.status(), 200);
        let headers = response.headers();
        assert_eq!(headers.get(header::CONTENT_TYPE).unwrap(), JAVASCRIPT);
        assert_eq!(
            headers.get(header::CACHE_CONTROL).unwrap(),
            ASSET_CACHE_CONTROL
        );
        let css = asset(web::Path::from((
            current.clone(),
            "graphiql.min.css".to_owned(),
        )))
        .await;
        assert_eq!(css.headers().get(header::CONTENT_TYPE).unwrap(), CSS);
        let stale = asset(web::Path::from((
            "0000000000000000".to_owned(),
            "app.js".to_owned(),
        )))
        .await;
        assert_eq!(stale.status(), 404);
        let unknown = asset(web::Path::from((current, "SHA256SUMS".to_owned()))).await;
        assert_eq!(unknown.status(), 404);
    }
}
