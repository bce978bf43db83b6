//! A plain-text server function output, for answers that are files (the backup-code download)
//! rather than data.

use server_fn::codec::Post;
use server_fn::{Bytes, ContentType, Decodes, Encodes, Format, FormatType};

pub struct PlainTextEncoding;

impl ContentType for PlainTextEncoding {
    const CONTENT_TYPE: &'static str = "text/plain; charset=utf-8";
}

impl FormatType for PlainTextEncoding {
    const FORMAT_TYPE: Format = Format::Text;
}

impl Encodes<String> for PlainTextEncoding {
    type Error = std::convert::Infallible;

    fn encode(output: &String) -> Result<Bytes, Self::Error> {
        Ok(Bytes::from(output.clone()))
    }
}

impl Decodes<String> for PlainTextEncoding {
    type Error = std::string::FromUtf8Error;

    fn decode(bytes: Bytes) -> Result<String, Self::Error> {
        String::from_utf8(bytes.to_vec())
    }
}

/// `POST` in, `text/plain` out.
pub type PlainText = Post<PlainTextEncoding>;
