//! The canonical encoding [`super::Fingerprinter::value`] hashes: a `serde` serializer that
//! feeds the hasher directly, with no text made and no string escaped (it replaced
//! `serde_json` text, whose escaping was ~4% of a nothing-changed 10,000-item rebuild).
//!
//! Every value is one tag byte and its payload, so that the encoding is prefix-free and two
//! values of one type encode alike exactly when their JSON does (the property the tests check
//! against the JSON encoding it replaced):
//! - numbers as 8 (or 16) little-endian bytes after a tag of their kind, floats by their bits;
//! - strings and bytes length-framed (`("ab", "c")` and `("a", "bc")` differ), and a string
//!   written through `Display` ([`serde::Serializer::collect_str`], dates) closed by `0xff`,
//!   a byte UTF-8 never holds;
//! - sequences, tuples and maps framed by their length, or when it is not known ahead by an
//!   end byte that starts no value; maps in their own order (every map the model holds is
//!   ordered);
//! - struct fields by name (a field skipped when empty leaves no gap its neighbour could
//!   fill), enum variants by name, `None` and `Some` by their own tags.
//!
//! A value whose `Serialize` fails (a path that is not UTF-8) leaves [`UNSERIALIZABLE`] where
//! it failed, a byte that starts no value, so it never matches a value that serializes.

use serde::ser::{self, Serialize};
use xxhash_rust::xxh3::Xxh3;

/// Tag bytes: what starts each value. Every one is distinct, and none is [`END`] or
/// [`UNSERIALIZABLE`].
mod tag {
    pub(super) const FALSE: u8 = b'0';
    pub(super) const TRUE: u8 = b'1';
    pub(super) const INT: u8 = b'i';
    pub(super) const UINT: u8 = b'u';
    pub(super) const INT128: u8 = b'I';
    pub(super) const UINT128: u8 = b'U';
    pub(super) const FLOAT: u8 = b'f';
    pub(super) const CHAR: u8 = b'c';
    pub(super) const STR: u8 = b's';
    pub(super) const DISPLAYED: u8 = b'd';
    pub(super) const BYTES: u8 = b'y';
    pub(super) const NONE: u8 = b'n';
    pub(super) const SOME: u8 = b'S';
    pub(super) const UNIT: u8 = b'(';
    pub(super) const UNIT_VARIANT: u8 = b'v';
    pub(super) const NEWTYPE_VARIANT: u8 = b'V';
    pub(super) const SEQ: u8 = b'[';
    pub(super) const OPEN_SEQ: u8 = b'<';
    pub(super) const TUPLE: u8 = b't';
    pub(super) const TUPLE_VARIANT: u8 = b'T';
    pub(super) const MAP: u8 = b'{';
    pub(super) const OPEN_MAP: u8 = b'm';
    pub(super) const STRUCT: u8 = b'r';
    pub(super) const STRUCT_VARIANT: u8 = b'R';

    /// Every tag, for the tests.
    #[cfg(test)]
    pub(super) const ALL: [u8; 24] = [
        FALSE,
        TRUE,
        INT,
        UINT,
        INT128,
        UINT128,
        FLOAT,
        CHAR,
        STR,
        DISPLAYED,
        BYTES,
        NONE,
        SOME,
        UNIT,
        UNIT_VARIANT,
        NEWTYPE_VARIANT,
        SEQ,
        OPEN_SEQ,
        TUPLE,
        TUPLE_VARIANT,
        MAP,
        OPEN_MAP,
        STRUCT,
        STRUCT_VARIANT,
    ];
}

/// Closes a sequence or map whose length was not known ahead.
pub(super) const END: u8 = b'.';
/// Marks where a value failed to serialize.
pub(super) const UNSERIALIZABLE: u8 = b'!';
/// Closes a string written through `Display`: a byte no UTF-8 text holds.
const DISPLAYED_END: u8 = 0xff;

/// How many bytes are gathered before they go to the hasher: each `update` of XXH3's
/// streaming state costs some 40 instructions whatever its length, and a value is mostly
/// tags, lengths and short strings.
const BUFFER: usize = 512;

/// The serializer: the encoding's bytes, gathered in a buffer and handed to the hasher.
pub(super) struct Encoder<'h> {
    hasher: &'h mut Xxh3,
    buf: [u8; BUFFER],
    len: usize,
}

impl<'h> Encoder<'h> {
    pub(super) fn new(hasher: &'h mut Xxh3) -> Self {
        Encoder {
            hasher,
            buf: [0; BUFFER],
            len: 0,
        }
    }

    /// Adds bytes to the encoding.
    pub(super) fn put(&mut self, bytes: &[u8]) {
        if self.len + bytes.len() > BUFFER {
            self.flush();
            if bytes.len() > BUFFER / 2 {
                self.hasher.update(bytes);
                return;
            }
        }
        self.buf[self.len..self.len + bytes.len()].copy_from_slice(bytes);
        self.len += bytes.len();
    }

    fn byte(&mut self, b: u8) {
        self.put(&[b]);
    }

    fn u64(&mut self, n: u64) {
        self.put(&n.to_le_bytes());
    }

    /// A length-framed string.
    fn str(&mut self, s: &str) {
        self.u64(s.len() as u64);
        self.put(s.as_bytes());
    }

    /// Hands what is gathered to the hasher; call before reading the hasher's state.
    pub(super) fn flush(&mut self) {
        self.hasher.update(&self.buf[..self.len]);
        self.len = 0;
    }
}

/// Why a value could not be encoded: its `Serialize` said so.
#[derive(Debug)]
pub(super) struct Unserializable;

impl std::fmt::Display for Unserializable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("unserializable value")
    }
}

impl std::error::Error for Unserializable {}

impl ser::Error for Unserializable {
    fn custom<T: std::fmt::Display>(_: T) -> Self {
        Unserializable
    }
}

type Done = Result<(), Unserializable>;

/// `Display` output written straight into the encoding.
impl std::fmt::Write for Encoder<'_> {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        self.put(s.as_bytes());
        Ok(())
    }
}

impl<'a, 'h> ser::Serializer for &'a mut Encoder<'h> {
    type Ok = ();
    type Error = Unserializable;
    type SerializeSeq = Compound<'a, 'h>;
    type SerializeTuple = Compound<'a, 'h>;
    type SerializeTupleStruct = Compound<'a, 'h>;
    type SerializeTupleVariant = Compound<'a, 'h>;
    type SerializeMap = Compound<'a, 'h>;
    type SerializeStruct = Compound<'a, 'h>;
    type SerializeStructVariant = Compound<'a, 'h>;

    fn serialize_bool(self, v: bool) -> Done {
        self.byte(if v { tag::TRUE } else { tag::FALSE });
        Ok(())
    }
    fn serialize_i8(self, v: i8) -> Done {
        self.serialize_i64(v.into())
    }
    fn serialize_i16(self, v: i16) -> Done {
        self.serialize_i64(v.into())
    }
    fn serialize_i32(self, v: i32) -> Done {
        self.serialize_i64(v.into())
    }
    fn serialize_i64(self, v: i64) -> Done {
        self.byte(tag::INT);
        self.put(&v.to_le_bytes());
        Ok(())
    }
    fn serialize_i128(self, v: i128) -> Done {
        self.byte(tag::INT128);
        self.put(&v.to_le_bytes());
        Ok(())
    }
    fn serialize_u8(self, v: u8) -> Done {
        self.serialize_u64(v.into())
    }
    fn serialize_u16(self, v: u16) -> Done {
        self.serialize_u64(v.into())
    }
    fn serialize_u32(self, v: u32) -> Done {
        self.serialize_u64(v.into())
    }
    fn serialize_u64(self, v: u64) -> Done {
        self.byte(tag::UINT);
        self.u64(v);
        Ok(())
    }
    fn serialize_u128(self, v: u128) -> Done {
        self.byte(tag::UINT128);
        self.put(&v.to_le_bytes());
        Ok(())
    }
    fn serialize_f32(self, v: f32) -> Done {
        self.serialize_f64(v.into())
    }
    fn serialize_f64(self, v: f64) -> Done {
        self.byte(tag::FLOAT);
        self.u64(v.to_bits());
        Ok(())
    }
    fn serialize_char(self, v: char) -> Done {
        self.byte(tag::CHAR);
        self.put(&u32::from(v).to_le_bytes());
        Ok(())
    }
    fn serialize_str(self, v: &str) -> Done {
        self.byte(tag::STR);
        self.str(v);
        Ok(())
    }
    fn collect_str<T: std::fmt::Display + ?Sized>(self, value: &T) -> Done {
        use std::fmt::Write;
        self.byte(tag::DISPLAYED);
        write!(self, "{value}").map_err(|_| Unserializable)?;
        self.byte(DISPLAYED_END);
        Ok(())
    }
    fn serialize_bytes(self, v: &[u8]) -> Done {
        self.byte(tag::BYTES);
        self.u64(v.len() as u64);
        self.put(v);
        Ok(())
    }
    fn serialize_none(self) -> Done {
        self.byte(tag::NONE);
        Ok(())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Done {
        self.byte(tag::SOME);
        value.serialize(self)
    }
    fn serialize_unit(self) -> Done {
        self.byte(tag::UNIT);
        Ok(())
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Done {
        self.serialize_unit()
    }
    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Done {
        self.byte(tag::UNIT_VARIANT);
        self.str(variant);
        Ok(())
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Done {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        value: &T,
    ) -> Done {
        self.byte(tag::NEWTYPE_VARIANT);
        self.str(variant);
        value.serialize(self)
    }
    fn serialize_seq(self, len: Option<usize>) -> Result<Compound<'a, 'h>, Unserializable> {
        Ok(Compound::open(self, len, (tag::SEQ, tag::OPEN_SEQ)))
    }
    fn serialize_tuple(self, len: usize) -> Result<Compound<'a, 'h>, Unserializable> {
        Ok(Compound::open(self, Some(len), (tag::TUPLE, tag::TUPLE)))
    }
    fn serialize_tuple_struct(
        self,
        _name: &'static str,
        len: usize,
    ) -> Result<Compound<'a, 'h>, Unserializable> {
        self.serialize_tuple(len)
    }
    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<Compound<'a, 'h>, Unserializable> {
        self.byte(tag::TUPLE_VARIANT);
        self.str(variant);
        Ok(Compound::open(self, Some(len), (tag::TUPLE, tag::TUPLE)))
    }
    fn serialize_map(self, len: Option<usize>) -> Result<Compound<'a, 'h>, Unserializable> {
        Ok(Compound::open(self, len, (tag::MAP, tag::OPEN_MAP)))
    }
    fn serialize_struct(
        self,
        _name: &'static str,
        _len: usize,
    ) -> Result<Compound<'a, 'h>, Unserializable> {
        // Its fields are told by name, and one skipped leaves no trace: framed by an end.
        Ok(Compound::open(self, None, (tag::STRUCT, tag::STRUCT)))
    }
    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<Compound<'a, 'h>, Unserializable> {
        self.byte(tag::STRUCT_VARIANT);
        self.str(variant);
        Ok(Compound::open(self, None, (tag::STRUCT, tag::STRUCT)))
    }
}

/// A sequence, tuple, map or struct being encoded: closed by [`END`] when its length was not
/// written ahead.
pub(super) struct Compound<'a, 'h> {
    enc: &'a mut Encoder<'h>,
    open: bool,
}

impl<'a, 'h> Compound<'a, 'h> {
    /// Writes the opening: `tags.0` and the length, or `tags.1` alone when the length is not
    /// known (the end then closes it).
    fn open(enc: &'a mut Encoder<'h>, len: Option<usize>, tags: (u8, u8)) -> Self {
        match len {
            Some(len) => {
                enc.byte(tags.0);
                enc.u64(len as u64);
            }
            None => enc.byte(tags.1),
        }
        Compound {
            enc,
            open: len.is_none(),
        }
    }

    fn element<T: Serialize + ?Sized>(&mut self, value: &T) -> Done {
        value.serialize(&mut *self.enc)
    }

    /// A struct's field: its name as a string value (so that [`END`] never reads as the
    /// start of a name's length), then its value.
    fn field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> Done {
        self.enc.byte(tag::STR);
        self.enc.str(key);
        value.serialize(&mut *self.enc)
    }

    fn close(self) -> Done {
        if self.open {
            self.enc.byte(END);
        }
        Ok(())
    }
}

impl ser::SerializeSeq for Compound<'_, '_> {
    type Ok = ();
    type Error = Unserializable;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Done {
        self.element(value)
    }
    fn end(self) -> Done {
        self.close()
    }
}

impl ser::SerializeTuple for Compound<'_, '_> {
    type Ok = ();
    type Error = Unserializable;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Done {
        self.element(value)
    }
    fn end(self) -> Done {
        self.close()
    }
}

impl ser::SerializeTupleStruct for Compound<'_, '_> {
    type Ok = ();
    type Error = Unserializable;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Done {
        self.element(value)
    }
    fn end(self) -> Done {
        self.close()
    }
}

impl ser::SerializeTupleVariant for Compound<'_, '_> {
    type Ok = ();
    type Error = Unserializable;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Done {
        self.element(value)
    }
    fn end(self) -> Done {
        self.close()
    }
}

impl ser::SerializeMap for Compound<'_, '_> {
    type Ok = ();
    type Error = Unserializable;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Done {
        self.element(key)
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Done {
        self.element(value)
    }
    fn end(self) -> Done {
        self.close()
    }
}

impl ser::SerializeStruct for Compound<'_, '_> {
    type Ok = ();
    type Error = Unserializable;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> Done {
        self.field(key, value)
    }
    fn end(self) -> Done {
        self.close()
    }
}

impl ser::SerializeStructVariant for Compound<'_, '_> {
    type Ok = ();
    type Error = Unserializable;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> Done {
        self.field(key, value)
    }
    fn end(self) -> Done {
        self.close()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_are_distinct_and_none_is_an_end_or_the_failure_mark() {
        let mut seen = std::collections::HashSet::new();
        for t in tag::ALL {
            assert!(seen.insert(t), "tag {} twice", t as char);
            assert!(t != END && t != UNSERIALIZABLE && t != DISPLAYED_END);
        }
        assert_ne!(END, UNSERIALIZABLE);
    }

    #[test]
    fn long_and_short_writes_give_the_bytes_one_stream_would() {
        // However the encoding is cut into writes and buffered, the hasher sees its bytes.
        let bytes: Vec<u8> = (0..5000u32).map(|n| (n * 7 % 251) as u8).collect();
        let mut whole = Xxh3::new();
        whole.update(&bytes);
        for cut in [1, 3, 100, 255, 256, 257, 511, 512, 513, 2000] {
            let mut h = Xxh3::new();
            let mut enc = Encoder::new(&mut h);
            for piece in bytes.chunks(cut) {
                enc.put(piece);
            }
            enc.flush();
            assert_eq!(h.digest128(), whole.digest128(), "cut {cut}");
        }
    }
}
