//! The response body type: a whole body, or one cut short on purpose.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use hyper::body::{Body, Frame, SizeHint};
use tokio::time::Sleep;

/// A response body. A truncated one sends its bytes, waits a moment so they reach the
/// socket, then fails, which makes hyper cut the connection short of the declared
/// `Content-Length`.
pub(crate) struct ReplyBody {
    data: Option<Bytes>,
    cut: Option<Pin<Box<Sleep>>>,
}

impl ReplyBody {
    /// A complete body.
    pub(crate) fn full(data: impl Into<Bytes>) -> Self {
        Self {
            data: Some(data.into()),
            cut: None,
        }
    }

    /// `data`, then a cut connection.
    pub(crate) fn truncated(data: impl Into<Bytes>) -> Self {
        let cut = Box::pin(tokio::time::sleep(Duration::from_millis(20)));
        Self {
            data: Some(data.into()),
            cut: Some(cut),
        }
    }
}

impl Body for ReplyBody {
    type Data = Bytes;
    type Error = io::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, io::Error>>> {
        if let Some(data) = self.data.take() {
            return Poll::Ready(Some(Ok(Frame::data(data))));
        }
        match self.cut.as_mut() {
            None => Poll::Ready(None),
            Some(sleep) => match sleep.as_mut().poll(cx) {
                Poll::Pending => Poll::Pending,
                Poll::Ready(()) => {
                    self.cut = None;
                    let error =
                        io::Error::new(io::ErrorKind::ConnectionAborted, "injected truncation");
                    Poll::Ready(Some(Err(error)))
                }
            },
        }
    }

    fn is_end_stream(&self) -> bool {
        self.data.is_none() && self.cut.is_none()
    }

    fn size_hint(&self) -> SizeHint {
        match (&self.data, &self.cut) {
            (Some(data), None) => SizeHint::with_exact(data.len() as u64),
            (None, None) => SizeHint::with_exact(0),
            _ => SizeHint::default(),
        }
    }
}
