//! `record!`: a frozen record class over a core struct, with a getter per
//! attribute, `==`, `to_dict()` and a `repr` naming a few attributes.

use pyo3::IntoPyObjectExt;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};

/// A value for `to_dict()`: records become dicts, lists are converted item
/// by item, anything else is kept.
pub(crate) fn plain<'py>(py: Python<'py>, value: impl IntoPyObject<'py>) -> PyResult<Bound<'py, PyAny>> {
    let obj = value.into_bound_py_any(py)?;
    if let Ok(list) = obj.cast::<PyList>() {
        let out = PyList::empty(py);
        for item in list.iter() {
            out.append(plain(py, item)?)?;
        }
        return Ok(out.into_any());
    }
    if obj.is_instance_of::<PyDict>() {
        return Ok(obj);
    }
    let module = obj.get_type().module().and_then(|m| m.extract::<String>()).unwrap_or_default();
    if module == "crm._crm" && obj.hasattr("to_dict")? {
        return obj.call_method0("to_dict");
    }
    Ok(obj)
}

/// The `repr` of a value.
pub(crate) fn repr_of<'py>(py: Python<'py>, value: impl IntoPyObject<'py>) -> PyResult<String> {
    value.into_bound_py_any(py)?.repr()?.extract()
}

/// Define a record class:
///
/// ```ignore
/// record! {
///     /// Doc.
///     Task(crm_core::Task) as "Task";
///     repr(id, subject, version);
///     {
///         id(s, py) -> String = s.id.to_string();
///     }
/// }
/// ```
macro_rules! record {
    (
        $(#[$meta:meta])*
        $name:ident($inner:ty) as $pyname:literal;
        repr($($r:ident),* $(,)?);
        { $( $(#[$fmeta:meta])* $field:ident($s:ident, $py:ident) -> $t:ty = $e:expr; )* }
        $( methods { $($extra:tt)* } )?
    ) => {
        $(#[$meta])*
        #[pyclass(frozen, eq, module = "crm._crm", name = $pyname)]
        #[derive(PartialEq)]
        pub struct $name(pub $inner);

        #[pymethods]
        impl $name {
            $(
                $(#[$fmeta])*
                #[getter]
                #[allow(unused_variables, clippy::wrong_self_convention)]
                fn $field(&self, $py: Python<'_>) -> PyResult<$t> {
                    let $s = &self.0;
                    Ok($e)
                }
            )*

            /// The record as a dict of Python values (nested records as
            /// dicts too).
            fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, pyo3::types::PyDict>> {
                let d = pyo3::types::PyDict::new(py);
                $( d.set_item(stringify!($field), $crate::record_macro::plain(py, self.$field(py)?)?)?; )*
                Ok(d)
            }

            fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
                let parts: Vec<String> = vec![
                    $( format!("{}={}", stringify!($r), $crate::record_macro::repr_of(py, self.$r(py)?)?) ),*
                ];
                Ok(format!("{}({})", $pyname, parts.join(", ")))
            }

            $( $($extra)* )?
        }
    };
}
