//! The printer on small inputs: canonical layout, comments kept, idempotence.

use pipec_diagnostics::FileId;

use super::format_pipe;

fn fmt(text: &str) -> String {
    match format_pipe(FileId(0), text) {
        Ok(out) => out,
        Err(diagnostics) => panic!("{text}\n{diagnostics:#?}"),
    }
}

#[test]
fn formats_and_is_idempotent() {
    let text = "// head\n\n\n///  The pipe.\npipeline  p\ninput   x :str=\"a\"   // trailing\nstep a=llm \"Hi {{ inputs.x }}\"{model fast;retry 2}\n";
    let once = fmt(text);
    assert_eq!(
        once,
        "// head\n\n///  The pipe.\npipeline p\ninput x: str = \"a\"  // trailing\nstep a = llm \"Hi {{ inputs.x }}\" {\n    model fast\n    retry 2\n}\n"
    );
    assert_eq!(fmt(&once), once);
}

#[test]
fn files_with_errors_are_refused() {
    assert!(format_pipe(FileId(0), "pipeline p\nstep = \n").is_err());
    assert!(format_pipe(FileId(0), "").is_err());
}

#[test]
fn doc_comments_are_printed_once_and_blocks_break_long_lists() {
    let text = "/// The pipe.\npipeline p\n/// Ask.\n/// Twice.\nstep ask = predict \"question -> answer\"(question = \"What is the meaning of life, the universe and everything?\", style = inputs.style)\n";
    let once = fmt(text);
    assert_eq!(
        once,
        "/// The pipe.\npipeline p\n/// Ask.\n/// Twice.\nstep ask = predict \"question -> answer\"(\n    question = \"What is the meaning of life, the universe and everything?\",\n    style = inputs.style,\n)\n"
    );
    assert_eq!(fmt(&once), once);
}
