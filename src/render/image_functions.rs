//! `resize_image` and `image_meta`, the image functions of the theme's templates: their
//! arguments read and checked here, the work done by the images stage's shared handle
//! ([`crate::images::template`]). Errors name the function and the image; the render stage
//! adds the template and its line.

use crate::images::template::{Op, Request, TemplateImages};
use std::collections::HashMap;
use std::sync::Arc;
use tera::{Tera, Value};

/// Registers both functions, sharing `images`.
pub(super) fn register(tera: &mut Tera, images: &Arc<TemplateImages>) {
    let handle = images.clone();
    tera.register_function("resize_image", move |args: &HashMap<String, Value>| {
        let request = request(args).map_err(|e| fail("resize_image", args, &e))?;
        let resized = handle
            .resize(&request)
            .map_err(|e| fail("resize_image", args, &e))?;
        tera::to_value(resized).map_err(tera::Error::from)
    });
    let handle = images.clone();
    tera.register_function("image_meta", move |args: &HashMap<String, Value>| {
        let path = string(args, "path")?.ok_or_else(|| fail("image_meta", args, "needs `path`"))?;
        let meta = handle
            .meta(&path)
            .map_err(|e| fail("image_meta", args, &e))?;
        tera::to_value(meta).map_err(tera::Error::from)
    });
}

/// An error of `function` called with `args`: the function's name first (the render stage
/// finds the call's line by it), then the image.
fn fail(function: &str, args: &HashMap<String, Value>, message: &str) -> tera::Error {
    match args.get("path").and_then(Value::as_str) {
        Some(path) => tera::Error::msg(format!("`{function}` of `{path}`: {message}")),
        None => tera::Error::msg(format!("`{function}`: {message}")),
    }
}

/// The arguments of `resize_image(path, width, height, op="fill", format="auto", quality)`.
fn request(args: &HashMap<String, Value>) -> Result<Request, String> {
    const KNOWN: [&str; 6] = ["path", "width", "height", "op", "format", "quality"];
    if let Some(unknown) = args.keys().find(|k| !KNOWN.contains(&k.as_str())) {
        return Err(format!(
            "no argument `{unknown}` (it takes {})",
            KNOWN.join(", ")
        ));
    }
    let path = string(args, "path")
        .map_err(|e| e.to_string())?
        .ok_or("needs `path`, the image's path from the site root")?;
    let op_name = string(args, "op").map_err(|e| e.to_string())?;
    let op_name = op_name.as_deref().unwrap_or("fill");
    let op = Op::parse(op_name).ok_or_else(|| {
        format!("`op=\"{op_name}\"` is not one of fit_width, fit_height, fit, fill, scale")
    })?;
    let format = match string(args, "format")
        .map_err(|e| e.to_string())?
        .as_deref()
    {
        None | Some("auto") => None,
        Some("jpeg" | "jpg") => Some("jpeg"),
        Some("png") => Some("png"),
        Some("webp") => Some("webp"),
        Some("avif") => Some("avif"),
        Some(other) => {
            return Err(format!(
                "`format=\"{other}\"` is not one of auto, jpeg, png, webp, avif"
            ));
        }
    };
    let quality = number(args, "quality", 1, 100)?.map(|q| q as u8);
    Ok(Request {
        path,
        width: number(args, "width", 1, u32::MAX)?,
        height: number(args, "height", 1, u32::MAX)?,
        op,
        format,
        quality,
    })
}

fn string(args: &HashMap<String, Value>, name: &str) -> tera::Result<Option<String>> {
    match args.get(name) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(other) => Err(tera::Error::msg(format!(
            "`{name}` must be a string, not {other}"
        ))),
    }
}

/// A whole number argument between `min` and `max`.
fn number(
    args: &HashMap<String, Value>,
    name: &str,
    min: u32,
    max: u32,
) -> Result<Option<u32>, String> {
    let Some(value) = args.get(name) else {
        return Ok(None);
    };
    value
        .as_u64()
        .and_then(|n| u32::try_from(n).ok())
        .filter(|n| (min..=max).contains(n))
        .map(Some)
        .ok_or_else(|| format!("`{name}={value}` must be a whole number from {min} to {max}"))
}
