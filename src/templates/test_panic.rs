//! A template that panics, to test that a panicking rule is isolated (built only with the
//! `test-rules` feature, which the test suite turns on).

use serde::Deserialize;

use super::{Check, Finding, Template, params};
use crate::model::Model;
use crate::model::Wanted;

pub const TEMPLATE: Template = Template {
    key: "test-panic",
    description: "Panics on a file containing `marker` (for testing only)",
    params: &[("marker", "Text whose presence makes the check panic")],
    vars: &[],
    instantiate: |table| {
        let p: Params = params(table)?;
        Ok(Box::new(p))
    },
};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Params {
    marker: String,
}

impl Check for Params {
    fn wants(&self, _: &mut Wanted) {}

    fn check(&self, model: &Model, _out: &mut Vec<Finding>) {
        if model.text().contains(&self.marker) {
            panic!("test-panic found `{}`", self.marker);
        }
    }
}
