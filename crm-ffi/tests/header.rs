//! `include/crm.h` is generated from the sources with the pinned cbindgen
//! version and committed; this test fails when it is out of date.
//! Run with `CRM_BLESS=1` to rewrite it.

use std::path::PathBuf;

#[test]
fn header_is_up_to_date() {
    let crate_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let header = crate_dir.join("../include/crm.h");
    let config = cbindgen::Config::from_file(crate_dir.join("cbindgen.toml"))
        .unwrap_or_else(|e| panic!("reading cbindgen.toml: {e}"));
    let bindings = cbindgen::Builder::new()
        .with_config(config)
        .with_src(crate_dir.join("src/lib.rs"))
        .generate()
        .unwrap_or_else(|e| panic!("generating the header: {e}"));
    let mut generated = Vec::new();
    bindings.write(&mut generated);
    let generated = String::from_utf8(generated).expect("the header is UTF-8");

    if std::env::var_os("CRM_BLESS").is_some_and(|v| v == "1") {
        std::fs::create_dir_all(header.parent().unwrap()).unwrap();
        std::fs::write(&header, &generated).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(&header).unwrap_or_default();
    if committed != generated {
        let first = committed
            .lines()
            .zip(generated.lines())
            .position(|(a, b)| a != b)
            .map_or(committed.lines().count().min(generated.lines().count()), |i| i);
        panic!(
            "include/crm.h is out of date (first difference at line {}); \
             regenerate it with `CRM_BLESS=1 cargo test -p crm-ffi --test header`",
            first + 1
        );
    }
}
