//! Surface types of the native format: serde and schemars descriptions of what a `pipec: 1`
//! file may contain, from which `pipec schema` derives the JSON Schema (for editors and
//! yaml-language-server users).
//!
//! The lowering does not deserialize into these types: it walks the spanned document so
//! that every diagnostic points at the exact key or value. The two cannot drift apart
//! because the lowering's key tables (`lower::native::keys`) are the single source of truth
//! for key names, and the tests of this module assert that every struct's schema lists
//! exactly the keys of its table, and every enum exactly the values of its table. Doc
//! comments here become the schema's descriptions.

mod config;
mod decls;
mod pipeline;
mod steps;

#[cfg(test)]
mod tests;

pub use config::*;
pub use decls::*;
pub use pipeline::*;
pub use steps::*;

use schemars::Schema;
use schemars::generate::{SchemaGenerator, SchemaSettings};
use schemars::transform::RecursiveTransform;
use serde_json::Value;

/// The JSON Schema (draft 2020-12) of a native pipeline file.
#[must_use]
pub fn json_schema() -> Value {
    generator().into_root_schema_for::<NativeFile>().to_value()
}

/// The generator every schema of this module is made with.
pub(crate) fn generator() -> SchemaGenerator {
    SchemaSettings::draft2020_12()
        .with_transform(RecursiveTransform(strip_null))
        .into_generator()
}

/// Optional keys are `Option`s, which schemars makes nullable; but no key of the native
/// format accepts `null` (the lowering reports `description:` with no value as P0104), so the
/// schema says so too.
fn strip_null(schema: &mut Schema) {
    let Some(object) = schema.as_object_mut() else {
        return;
    };
    if let Some(Value::Array(types)) = object.get_mut("type")
        && types.len() > 1
    {
        types.retain(|t| t != "null");
        if let [only] = types.as_slice() {
            let only = only.clone();
            object.insert("type".to_owned(), only);
        }
    }
    let is_null = |s: &Value| s.get("type").is_some_and(|t| t == "null");
    let other = match object.get("anyOf") {
        Some(Value::Array(any)) if any.len() == 2 && any.iter().any(is_null) => {
            any.iter().find(|s| !is_null(s)).cloned()
        }
        _ => None,
    };
    if let Some(Value::Object(other)) = other {
        object.remove("anyOf");
        for (key, value) in other {
            object.entry(key).or_insert(value);
        }
    }
}
