use std::borrow::Cow;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use serde_json::Value;

use crate::context::{dotted_pointer, plain_dotted_pointer};
use crate::renderer::for_loop::ForLoop;
use crate::template::Template;

pub type Val<'a> = Cow<'a, Value>;
/// A frame's variables. Keyed by short template identifiers and looked up on every variable
/// of a template, so hashed with an Fx-style multiply rather than SipHash (no untrusted keys:
/// the keys are the template's own identifiers).
pub type FrameContext<'a> = HashMap<&'a str, Val<'a>, BuildHasherDefault<IdentHasher>>;

/// Tera's maps of templates, filters, testers and functions by name, looked up on every
/// include, macro call, filter and function call of a render: hashed as frame variables are.
pub type NameMap<V> = HashMap<String, V, BuildHasherDefault<IdentHasher>>;

/// The Fx hash (rustc's): a word at a time, a rotate, a xor and a multiply.
#[derive(Default, Clone, Copy)]
pub struct IdentHasher(u64);

impl Hasher for IdentHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        const K: u64 = 0x51_7c_c1_b7_27_22_0a_95;
        let mut words = bytes.chunks_exact(8);
        for w in &mut words {
            let word = u64::from_le_bytes([w[0], w[1], w[2], w[3], w[4], w[5], w[6], w[7]]);
            self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(K);
        }
        for &b in words.remainder() {
            self.0 = (self.0.rotate_left(5) ^ u64::from(b)).wrapping_mul(K);
        }
    }
    fn write_u8(&mut self, b: u8) {
        self.0 = (self.0.rotate_left(5) ^ u64::from(b)).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

/// Gets a value within a value by pointer, keeping lifetime. `plain`: the pointer has no
/// quote, bracket, backslash or `~` (see [`Name`]).
#[inline]
pub fn value_by_pointer<'a>(pointer: &str, val: &Val<'a>, plain: bool) -> Option<Val<'a>> {
    match *val {
        Cow::Borrowed(r) => pointer_in(r, pointer, plain).map(Cow::Borrowed),
        Cow::Owned(ref r) => pointer_in(r, pointer, plain).map(|found| Cow::Owned(found.clone())),
    }
}

#[inline]
fn pointer_in<'v>(value: &'v Value, pointer: &str, plain: bool) -> Option<&'v Value> {
    if plain {
        plain_dotted_pointer(value, pointer)
    } else {
        dotted_pointer(value, pointer)
    }
}

/// A variable name as a lookup reads it, scanned once for every frame it is looked up in:
/// names are short (`page.title`), where one byte loop is cheaper than a `str` search per
/// question.
#[derive(Clone, Copy, Debug)]
pub struct Name<'k> {
    /// The name as written.
    pub text: &'k str,
    /// The position of its first `.`.
    pub dot: Option<usize>,
    /// Whether it has no quote, bracket, backslash or `~`: then it is read by splitting it on
    /// its dots, without `dotted_pointer`'s checks.
    pub plain: bool,
}

/// How `Name::new` reads each byte: 0 any other, 1 `.`, 2 `[`, 3 another character a plain
/// name has not.
static NAME_BYTES: [u8; 256] = {
    let mut table = [0; 256];
    table[b'.' as usize] = 1;
    table[b'[' as usize] = 2;
    table[b']' as usize] = 3;
    table[b'"' as usize] = 3;
    table[b'\'' as usize] = 3;
    table[b'\\' as usize] = 3;
    table[b'~' as usize] = 3;
    table
};

impl<'k> Name<'k> {
    /// Scans `text`; the second value tells whether it has a `[` (an index to evaluate; the
    /// name is then not plain).
    #[inline]
    pub fn scan(text: &'k str) -> (Name<'k>, bool) {
        let mut name = Name { text, dot: None, plain: true };
        let mut bracket = false;
        for (i, &b) in text.as_bytes().iter().enumerate() {
            match NAME_BYTES[b as usize] {
                0 => {}
                1 => {
                    if name.dot.is_none() {
                        name.dot = Some(i);
                    }
                }
                2 => {
                    name.plain = false;
                    bracket = true;
                }
                _ => name.plain = false,
            }
        }
        (name, bracket)
    }
}

/// Enumerates the types of stack frames
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum FrameType {
    /// Original frame
    Origin,
    /// New frame for macro call
    Macro,
    /// New frame for for loop
    ForLoop,
    /// Include template
    Include,
}

/// Entry in the stack frame
#[derive(Debug)]
pub struct StackFrame<'a> {
    /// Type of stack frame
    pub kind: FrameType,
    /// Frame name for context/debugging
    pub name: &'a str,
    /// Assigned value (via {% set ... %}, {% for ... %}, {% namespace::macro(a=a, b=b) %})
    ///
    /// - {% set ... %} adds to current frame_context
    /// - {% for ... %} builds frame_context before iteration
    /// - {% namespace::macro(a=a, b=b)} builds frame_context before invocation
    context: FrameContext<'a>,
    /// Active template for frame
    pub active_template: &'a Template,
    /// `ForLoop` if frame is for a for loop
    pub for_loop: Option<ForLoop<'a>>,
    /// Macro namespace if MacroFrame
    pub macro_namespace: Option<&'a str>,
}

impl<'a> StackFrame<'a> {
    pub fn new(kind: FrameType, name: &'a str, tpl: &'a Template) -> Self {
        StackFrame {
            kind,
            name,
            context: FrameContext::default(),
            active_template: tpl,
            for_loop: None,
            macro_namespace: None,
        }
    }

    pub fn new_for_loop(name: &'a str, tpl: &'a Template, for_loop: ForLoop<'a>) -> Self {
        StackFrame {
            kind: FrameType::ForLoop,
            name,
            context: FrameContext::default(),
            active_template: tpl,
            for_loop: Some(for_loop),
            macro_namespace: None,
        }
    }

    pub fn new_macro(
        name: &'a str,
        tpl: &'a Template,
        macro_namespace: &'a str,
        context: FrameContext<'a>,
    ) -> Self {
        StackFrame {
            kind: FrameType::Macro,
            name,
            context,
            active_template: tpl,
            for_loop: None,
            macro_namespace: Some(macro_namespace),
        }
    }

    pub fn new_include(name: &'a str, tpl: &'a Template) -> Self {
        StackFrame {
            kind: FrameType::Include,
            name,
            context: FrameContext::default(),
            active_template: tpl,
            for_loop: None,
            macro_namespace: None,
        }
    }

    /// Finds a value in the stack frame.
    /// Looks first in `frame_context`, then compares to for_loop key_name and value_name.
    pub fn find_value(&self, name: Name) -> Option<Val<'a>> {
        self.find_value_in_frame(name).or_else(|| self.find_value_in_for_loop(name))
    }

    /// Finds a value in `frame_context`.
    pub fn find_value_in_frame(&self, name: Name) -> Option<Val<'a>> {
        let key = name.text;
        if let Some(dot) = name.dot {
            if let Some(found_value) = self
                .context
                .get(&key[0..dot])
                .map(|v| value_by_pointer(&key[dot + 1..], v, name.plain))
            {
                return found_value;
            }
        } else if let Some(found) = self.context.get(key) {
            return Some(found.clone());
        }

        None
    }
    /// Finds a value in the `for_loop` if there is one
    pub fn find_value_in_for_loop(&self, name: Name) -> Option<Val<'a>> {
        let key = name.text;
        if let Some(ref for_loop) = self.for_loop {
            // 1st case: the variable is the key of a KeyValue for loop
            if for_loop.is_key(key) {
                return Some(Cow::Owned(Value::String(for_loop.get_current_key())));
            }

            let (real_key, tail) = match name.dot {
                Some(tail_pos) => (&key[..tail_pos], &key[tail_pos + 1..]),
                None => (key, ""),
            };
            // 2nd case: one of Tera loop built-in variable
            if real_key == "loop" {
                match tail {
                    "index" => {
                        return Some(Cow::Owned(Value::Number((for_loop.current + 1).into())));
                    }
                    "index0" => {
                        return Some(Cow::Owned(Value::Number(for_loop.current.into())));
                    }
                    "first" => {
                        return Some(Cow::Owned(Value::Bool(for_loop.current == 0)));
                    }
                    "last" => {
                        return Some(Cow::Owned(Value::Bool(
                            for_loop.current == for_loop.len() - 1,
                        )));
                    }
                    _ => return None,
                };
            }

            // Last case: the variable is/starts with the value name of the for loop
            // The `set` case will have been taken into account before

            // Exact match to the loop value and no tail
            if key == for_loop.value_name {
                return Some(for_loop.get_current_value());
            }

            if real_key == for_loop.value_name && !tail.is_empty() {
                return value_by_pointer(tail, &for_loop.get_current_value(), name.plain);
            }
        }

        None
    }

    /// Insert a value in the context
    pub fn insert(&mut self, key: &'a str, value: Val<'a>) {
        self.context.insert(key, value);
    }

    /// Context is cleared on each loop
    pub fn clear_context(&mut self) {
        if self.for_loop.is_some() {
            self.context.clear();
        }
    }

    pub fn context_owned(&self) -> HashMap<String, Value> {
        let mut context = HashMap::new();

        for (key, val) in &self.context {
            context.insert((*key).to_string(), val.clone().into_owned());
        }

        context
    }
}

/// The lookup of a frame as it was before the patch that scans each name once: the oracle of
/// `CallStack`'s tests.
#[cfg(test)]
impl<'a> StackFrame<'a> {
    pub(crate) fn reference_find_value(&self, key: &str) -> Option<Val<'a>> {
        use crate::test_oracles::reference_dotted_pointer;
        let by_pointer = |pointer: &str, val: &Val<'a>| -> Option<Val<'a>> {
            match *val {
                Cow::Borrowed(r) => reference_dotted_pointer(r, pointer).map(Cow::Borrowed),
                Cow::Owned(ref r) => {
                    reference_dotted_pointer(r, pointer).map(|found| Cow::Owned(found.clone()))
                }
            }
        };
        // find_value_in_frame
        if let Some(dot) = key.find('.') {
            if let Some(found_value) =
                self.context.get(&key[0..dot]).map(|v| by_pointer(&key[dot + 1..], v))
            {
                if found_value.is_some() {
                    return found_value;
                }
            }
        } else if let Some(found) = self.context.get(key) {
            return Some(found.clone());
        }
        // find_value_in_for_loop
        let for_loop = self.for_loop.as_ref()?;
        if for_loop.is_key(key) {
            return Some(Cow::Owned(Value::String(for_loop.get_current_key())));
        }
        let (real_key, tail) = match key.find('.') {
            Some(tail_pos) => (&key[..tail_pos], &key[tail_pos + 1..]),
            None => (key, ""),
        };
        if real_key == "loop" {
            return match tail {
                "index" => Some(Cow::Owned(Value::Number((for_loop.current + 1).into()))),
                "index0" => Some(Cow::Owned(Value::Number(for_loop.current.into()))),
                "first" => Some(Cow::Owned(Value::Bool(for_loop.current == 0))),
                "last" => Some(Cow::Owned(Value::Bool(for_loop.current == for_loop.len() - 1))),
                _ => None,
            };
        }
        if key == for_loop.value_name {
            return Some(for_loop.get_current_value());
        }
        if real_key == for_loop.value_name && !tail.is_empty() {
            return by_pointer(tail, &for_loop.get_current_value());
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::Name;
    use crate::test_oracles::{Rng, NAME_PIECES};

    #[test]
    fn a_name_is_scanned_as_str_searches_read_it() {
        let mut rng = Rng::new(3);
        for _ in 0..20_000 {
            let text = rng.text(NAME_PIECES, 8);
            let (name, bracket) = Name::scan(&text);
            assert_eq!(bracket, text.contains('['), "{text:?}");
            assert_eq!(name.dot, text.find('.'), "{text:?}");
            let special = text.contains(['"', '\'', '\\', '[', ']', '~']);
            assert_eq!(name.plain, !special, "{text:?}");
        }
    }
}
