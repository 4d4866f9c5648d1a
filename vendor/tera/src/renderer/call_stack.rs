use std::borrow::Cow;
use std::collections::HashMap;
use std::hash::BuildHasherDefault;

use serde_json::{to_value, Value};

use crate::context::{dotted_pointer, plain_dotted_pointer};
use crate::errors::{Error, Result};
use crate::renderer::for_loop::{ForLoop, ForLoopState};
use crate::renderer::stack_frame::{FrameContext, FrameType, IdentHasher, Name, StackFrame, Val};
use crate::template::Template;
use crate::Context;

/// Contains the user data and allows no mutation
#[derive(Debug)]
pub struct UserContext<'a> {
    /// Read-only context
    inner: &'a Context,
    /// The context's top-level values by name, hashed: every variable a template reads
    /// outside macros starts here, and a search of the context's `BTreeMap` compared the name
    /// with a dozen keys.
    index: HashMap<&'a str, &'a Value, BuildHasherDefault<IdentHasher>>,
}

impl<'a> UserContext<'a> {
    /// Create an immutable user context to be used in the call stack
    pub fn new(context: &'a Context) -> Self {
        let index = context.iter().map(|(key, value)| (key.as_str(), value)).collect();
        UserContext { inner: context, index }
    }

    pub fn find_value(&self, key: &str) -> Option<&'a Value> {
        self.index.get(key).copied()
    }

    /// The value at a dotted name whose first `.` is at `dot`.
    pub fn find_value_by_dotted_pointer(&self, name: Name, dot: usize) -> Option<&'a Value> {
        let (raw_root, rest) = (&name.text[..dot], &name.text[dot + 1..]);
        if name.plain {
            return self.find_value(raw_root).and_then(|val| plain_dotted_pointer(val, rest));
        }
        let root = crate::context::unescape_segment(raw_root);
        self.find_value(&root).and_then(|val| dotted_pointer(val, rest))
    }
}

/// Contains the stack of frames
#[derive(Debug)]
pub struct CallStack<'a> {
    /// The stack of frames
    stack: Vec<StackFrame<'a>>,
    /// User supplied context for the render
    context: UserContext<'a>,
}

impl<'a> CallStack<'a> {
    /// Create the initial call stack
    pub fn new(context: &'a Context, template: &'a Template) -> CallStack<'a> {
        CallStack {
            stack: vec![StackFrame::new(FrameType::Origin, "ORIGIN", template)],
            context: UserContext::new(context),
        }
    }

    pub fn push_for_loop_frame(&mut self, name: &'a str, for_loop: ForLoop<'a>) {
        let tpl = self.stack.last().expect("Stack frame").active_template;
        self.stack.push(StackFrame::new_for_loop(name, tpl, for_loop));
    }

    pub fn push_macro_frame(
        &mut self,
        namespace: &'a str,
        name: &'a str,
        context: FrameContext<'a>,
        tpl: &'a Template,
    ) {
        self.stack.push(StackFrame::new_macro(name, tpl, namespace, context));
    }

    pub fn push_include_frame(&mut self, name: &'a str, tpl: &'a Template) {
        self.stack.push(StackFrame::new_include(name, tpl));
    }

    /// Returns mutable reference to global `StackFrame`
    /// i.e gets first stack outside current for loops
    pub fn global_frame_mut(&mut self) -> &mut StackFrame<'a> {
        if self.current_frame().kind == FrameType::ForLoop {
            for stack_frame in self.stack.iter_mut().rev() {
                // walk up the parent stacks until we meet the current template
                if stack_frame.kind != FrameType::ForLoop {
                    return stack_frame;
                }
            }
            unreachable!("Global frame not found when trying to break out of for loop");
        } else {
            // Macro, Origin, or Include
            self.current_frame_mut()
        }
    }

    /// Returns mutable reference to current `StackFrame`
    pub fn current_frame_mut(&mut self) -> &mut StackFrame<'a> {
        self.stack.last_mut().expect("No current frame exists")
    }

    /// Returns immutable reference to current `StackFrame`
    pub fn current_frame(&self) -> &StackFrame<'a> {
        self.stack.last().expect("No current frame exists")
    }

    /// Pop the last frame
    pub fn pop(&mut self) {
        self.stack.pop().expect("Mistakenly popped Origin frame");
    }

    pub fn lookup(&self, key: &str) -> Option<Val<'a>> {
        self.lookup_name(Name::scan(key).0)
    }

    /// [`CallStack::lookup`] of a name already scanned.
    pub fn lookup_name(&self, name: Name) -> Option<Val<'a>> {
        for stack_frame in self.stack.iter().rev() {
            let found = stack_frame.find_value(name);
            if found.is_some() {
                return found;
            }

            // If we looked in a macro or origin frame, no point continuing
            // Origin is the last one and macro frame don't have access to parent frames
            if stack_frame.kind == FrameType::Macro || stack_frame.kind == FrameType::Origin {
                break;
            }
        }

        // Not in stack frame, look in user supplied context
        if let Some(dot) = name.dot {
            return self.context.find_value_by_dotted_pointer(name, dot).map(Cow::Borrowed);
        } else if let Some(value) = self.context.find_value(name.text) {
            return Some(Cow::Borrowed(value));
        }

        None
    }

    /// Add an assignment value (via {% set ... %} and {% set_global ... %} )
    pub fn add_assignment(&mut self, key: &'a str, global: bool, value: Val<'a>) {
        if global {
            self.global_frame_mut().insert(key, value);
        } else {
            self.current_frame_mut().insert(key, value);
        }
    }

    /// Breaks current for loop
    pub fn break_for_loop(&mut self) -> Result<()> {
        match self.current_frame_mut().for_loop {
            Some(ref mut for_loop) => {
                for_loop.break_loop();
                Ok(())
            }
            None => Err(Error::msg("Attempted `break` while not in `for loop`")),
        }
    }

    /// Continues current for loop
    pub fn increment_for_loop(&mut self) -> Result<()> {
        let frame = self.current_frame_mut();
        frame.clear_context();
        match frame.for_loop {
            Some(ref mut for_loop) => {
                for_loop.increment();
                Ok(())
            }
            None => Err(Error::msg("Attempted `increment` while not in `for loop`")),
        }
    }

    /// Continues current for loop
    pub fn continue_for_loop(&mut self) -> Result<()> {
        match self.current_frame_mut().for_loop {
            Some(ref mut for_loop) => {
                for_loop.continue_loop();
                Ok(())
            }
            None => Err(Error::msg("Attempted `continue` while not in `for loop`")),
        }
    }

    /// True if should break body, applicable to `break` and `continue`
    pub fn should_break_body(&self) -> bool {
        match self.current_frame().for_loop {
            Some(ref for_loop) => {
                for_loop.state == ForLoopState::Break || for_loop.state == ForLoopState::Continue
            }
            None => false,
        }
    }

    /// True if should break loop, applicable to `break` only
    pub fn should_break_for_loop(&self) -> bool {
        match self.current_frame().for_loop {
            Some(ref for_loop) => for_loop.state == ForLoopState::Break,
            None => false,
        }
    }

    /// Grab the current frame template
    pub fn active_template(&self) -> &'a Template {
        self.current_frame().active_template
    }

    pub fn current_context_cloned(&self) -> Value {
        let mut context = HashMap::new();

        // Go back the stack in reverse to see what we have access to
        for frame in self.stack.iter().rev() {
            context.extend(frame.context_owned());
            if let Some(ref for_loop) = frame.for_loop {
                context.insert(
                    for_loop.value_name.to_string(),
                    for_loop.get_current_value().into_owned(),
                );
                if for_loop.is_key_value() {
                    context.insert(
                        for_loop.key_name.clone().unwrap(),
                        Value::String(for_loop.get_current_key()),
                    );
                }
            }
            // Macros don't have access to the user context, we're done
            if frame.kind == FrameType::Macro {
                return to_value(&context).unwrap();
            }
        }

        // If we are here we take the user context
        // and add the values found in the stack to it.
        // We do it this way as we can override global variable temporarily in forloops
        let mut new_ctx = self.context.inner.clone();
        for (key, val) in context {
            new_ctx.insert(key, &val)
        }
        new_ctx.into_json()
    }
}

#[cfg(test)]
mod tests {
    use std::borrow::Cow;

    use serde_json::Value;

    use super::*;
    use crate::context::unescape_segment;
    use crate::test_oracles::{
        random_pointer, random_value, reference_dotted_pointer, unless_panics, Rng,
    };

    /// `CallStack::lookup` as it was before the patch that scans each name once.
    fn reference_lookup<'a>(stack: &CallStack<'a>, key: &str) -> Option<Val<'a>> {
        for frame in stack.stack.iter().rev() {
            let found = frame.reference_find_value(key);
            if found.is_some() {
                return found;
            }
            if frame.kind == FrameType::Macro || frame.kind == FrameType::Origin {
                break;
            }
        }
        if key.contains('.') {
            let raw_root = key.split('.').next().unwrap();
            let root = unescape_segment(raw_root);
            let rest = &key[raw_root.len() + 1..];
            return stack
                .context
                .inner
                .get(&root)
                .and_then(|val| reference_dotted_pointer(val, rest))
                .map(Cow::Borrowed);
        }
        stack.context.inner.get(key).map(Cow::Borrowed)
    }

    /// Names to look up: paths into the context and the frames' variables, with the names of
    /// the frames' own variables and `loop`.
    fn random_key(rng: &mut Rng, whole: &Value) -> String {
        match rng.below(4) {
            0 => format!("loop.{}", rng.pick(&["index", "index0", "first", "last", "x", ""])),
            _ => random_pointer(rng, whole),
        }
    }

    #[test]
    fn lookups_find_what_they_found_before_the_patch() {
        let template = Template::new("t", None, "").unwrap();
        let mut rng = Rng::new(11);
        for _ in 0..400 {
            // Everything the stack holds, as one object: its keys are the names to look up.
            let mut whole = serde_json::Map::new();
            let mut context = Context::new();
            for _ in 0..rng.below(5) {
                let (key, value) =
                    (rng.text(crate::test_oracles::NAME_PIECES, 2), random_value(&mut rng, 3));
                context.insert(key.clone(), &value);
                whole.insert(key, value);
            }
            let list = Value::Array((0..3).map(|_| random_value(&mut rng, 3)).collect());
            let object = random_value(&mut rng, 3);
            let set_value = random_value(&mut rng, 3);
            for (name, value) in [("p", &list[0]), ("k", &object), ("s", &set_value)] {
                whole.insert(name.to_string(), value.clone());
            }
            let whole = Value::Object(whole);

            let mut stack = CallStack::new(&context, &template);
            let set_owned = rng.below(2) == 0;
            let set =
                if set_owned { Cow::Owned(set_value.clone()) } else { Cow::Borrowed(&set_value) };
            stack.add_assignment("s", false, set);
            if rng.below(2) == 0 {
                stack.push_macro_frame("m", "mac", FrameContext::default(), &template);
                stack.add_assignment("s", false, Cow::Borrowed(&set_value));
            }
            if rng.below(3) != 0 {
                stack.push_for_loop_frame("f", ForLoop::from_array("p", Cow::Borrowed(&list)));
                if rng.below(2) == 0 {
                    stack.increment_for_loop().unwrap();
                }
            }
            if object.as_object().is_some_and(|o| !o.is_empty()) && rng.below(2) == 0 {
                stack.push_for_loop_frame("o", ForLoop::from_object("k", "v", &object));
            }
            for _ in 0..60 {
                let key = random_key(&mut rng, &whole);
                let got = unless_panics(|| stack.lookup(&key));
                let expected = unless_panics(|| reference_lookup(&stack, &key));
                assert_eq!(got, expected, "{key:?}");
                let borrowed = |v: &Option<Option<Val>>| matches!(v, Some(Some(Cow::Borrowed(_))));
                assert_eq!(borrowed(&got), borrowed(&expected), "{key:?}");
            }
        }
    }
}
