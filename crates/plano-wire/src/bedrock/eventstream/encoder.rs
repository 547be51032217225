//! The encoder, for tests, fuzzing and mock providers (the gateway only ever decodes event streams).

use bytes::BufMut;

use super::header::{encoded_len, write_header};
use super::{EventStreamError, Header, HeaderError, MIN_MESSAGE_LEN};

/// Appends one message. Fails only for headers that cannot be framed (name over 255 bytes, value over
/// 65535) or a message over 4 GiB.
pub fn encode_message<B: BufMut>(
    out: &mut B,
    headers: &[Header],
    payload: &[u8],
) -> Result<(), EventStreamError> {
    let too_long = |len: usize| EventStreamError::TooLong {
        len: u64::try_from(len).unwrap_or(u64::MAX),
        limit: u32::MAX as usize,
    };
    let headers_len: usize = headers.iter().map(encoded_len).sum();
    let total_len = MIN_MESSAGE_LEN + headers_len + payload.len();
    let total = u32::try_from(total_len).map_err(|_| too_long(total_len))?;
    let hlen = u32::try_from(headers_len).map_err(|_| too_long(total_len))?;

    // Built in a scratch buffer: the message CRC covers the prelude too.
    let mut msg = Vec::with_capacity(total_len);
    msg.put_u32(total);
    msg.put_u32(hlen);
    let prelude_crc = crc32fast::hash(&msg);
    msg.put_u32(prelude_crc);
    for (i, h) in headers.iter().enumerate() {
        write_header(&mut msg, h).map_err(|reason| header_error(headers, i, reason))?;
    }
    msg.put_slice(payload);
    let crc = crc32fast::hash(&msg);
    msg.put_u32(crc);
    out.put_slice(&msg);
    Ok(())
}

fn header_error(headers: &[Header], index: usize, reason: HeaderError) -> EventStreamError {
    let offset = 12 + headers[..index].iter().map(encoded_len).sum::<usize>();
    EventStreamError::Header { offset, reason }
}

/// Appends an `event` message with a JSON payload, framed as Bedrock frames it.
pub fn encode_event<B: BufMut>(
    out: &mut B,
    event_type: &str,
    payload: &[u8],
) -> Result<(), EventStreamError> {
    encode_message(
        out,
        &[
            Header::string(":event-type", event_type),
            Header::string(":content-type", "application/json"),
            Header::string(":message-type", "event"),
        ],
        payload,
    )
}

/// Appends an `exception` message (`{"message": ...}` payload), framed as Bedrock frames it.
pub fn encode_exception<B: BufMut>(
    out: &mut B,
    exception_type: &str,
    payload: &[u8],
) -> Result<(), EventStreamError> {
    encode_message(
        out,
        &[
            Header::string(":exception-type", exception_type),
            Header::string(":content-type", "application/json"),
            Header::string(":message-type", "exception"),
        ],
        payload,
    )
}
