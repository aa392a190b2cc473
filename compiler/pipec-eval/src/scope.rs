//! Where a path's first segment is looked up: `inputs`, `steps`, `vars`, a map's item
//! variable, `loop`. The runtime implements [`Scope`] over its run state; [`MapScope`] is a
//! plain one over a JSON object, for tests, `pipec prompt` and simple callers.

use serde_json::{Map, Value};

/// Resolves the root name of a path.
pub trait Scope {
    /// The value bound to `name` (`inputs`, `steps`, `item`, ...), if any.
    fn root(&self, name: &str) -> Option<&Value>;
}

/// A scope whose roots are the keys of one JSON object.
#[derive(Debug, Clone, Default)]
pub struct MapScope {
    roots: Map<String, Value>,
}

impl MapScope {
    /// A scope over `roots`; a non-object value gives an empty scope.
    #[must_use]
    pub fn new(roots: Value) -> MapScope {
        match roots {
            Value::Object(roots) => MapScope { roots },
            _ => MapScope::default(),
        }
    }

    /// Bind (or rebind) a root name.
    pub fn bind(&mut self, name: impl Into<String>, value: Value) {
        self.roots.insert(name.into(), value);
    }
}

impl Scope for MapScope {
    fn root(&self, name: &str) -> Option<&Value> {
        self.roots.get(name)
    }
}
