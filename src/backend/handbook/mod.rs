//! The handbook (`build PATHS… --emit handbook`): every workflow, process,
//! role and tool of the inputs as one static website. Pure like every
//! backend: the caller runs Graphviz (through [`Options::svg`]) and writes
//! the files. Pages come from minijinja templates ([`templates`]) over the
//! contexts built in [`pages`]; every text from a `.flow` file reaches a page
//! escaped by the template engine or rendered by [`markup`].

pub mod markup;
mod pages;
pub mod templates;

use std::collections::HashMap;

use crate::model::{Model, ProcessId, RoleId, ToolId, WorkflowId};
use crate::source::FileId;

pub use templates::Templates;

/// Renders a DOT graph to SVG, or says why it could not.
pub type SvgRenderer = dyn Fn(&str) -> Result<String, String> + Sync;

/// What a handbook build needs besides the models.
pub struct Options<'a> {
    /// The page templates and assets.
    pub templates: &'a Templates,
    /// Renders a DOT graph to SVG (Graphviz's `dot -Tsvg`); `None` when
    /// Graphviz is not available: the pages then say so.
    pub svg: Option<&'a SvgRenderer>,
}

/// One file of the site: its path inside the site (`/`-separated) and bytes.
pub type SiteFile = (String, Vec<u8>);

/// Builds the site of every declaration in `models` (each declaration once,
/// however many models hold it), in a deterministic order. The models must be
/// free of errors.
///
/// # Errors
/// When a template does not render (a custom template with a mistake), with
/// the template's name and line.
pub fn build(models: &[&Model], options: &Options) -> Result<Vec<SiteFile>, String> {
    let site = Site::collect(models);
    pages::render(&site, options)
}

/// Where a declaration is written: its file and offset. The same declaration
/// seen through several models (a role of a library every file uses) has one
/// place.
type Place = (FileId, u32);

/// Every declaration of the inputs, each once, with the name of its page.
pub(crate) struct Site<'m> {
    pub(crate) models: Vec<&'m Model>,
    /// (model, role) of each role, first seen first.
    pub(crate) roles: Vec<(usize, RoleId)>,
    pub(crate) tools: Vec<(usize, ToolId)>,
    pub(crate) processes: Vec<(usize, ProcessId)>,
    pub(crate) workflows: Vec<(usize, WorkflowId)>,
    /// Per model, the site index of each of its roles (tools, processes).
    pub(crate) role_of: Vec<Vec<usize>>,
    pub(crate) tool_of: Vec<Vec<usize>>,
    pub(crate) process_of: Vec<Vec<usize>>,
    /// The page name (without `.html`) of each role, tool, process, workflow.
    pub(crate) role_page: Vec<String>,
    pub(crate) tool_page: Vec<String>,
    pub(crate) process_page: Vec<String>,
    pub(crate) workflow_page: Vec<String>,
}

/// Collects one kind of declaration across models: each place once, a
/// duplicate name (an error, so only in theory) mapped to its first.
fn collect<T>(
    models: &[&Model],
    items: impl Fn(&Model) -> &[T],
    place: impl Fn(&T) -> (Place, bool, &str),
) -> (Vec<(usize, usize)>, Vec<Vec<usize>>) {
    let mut seen: HashMap<Place, usize> = HashMap::new();
    let mut all = Vec::new();
    let mut of = Vec::with_capacity(models.len());
    for (m, model) in models.iter().enumerate() {
        let list = items(model);
        let mut mine = vec![0; list.len()];
        for (i, item) in list.iter().enumerate() {
            let (p, duplicate, name) = place(item);
            if duplicate {
                let first = list.iter().position(|x| place(x).2 == name).unwrap_or(i);
                mine[i] = mine[first];
                continue;
            }
            mine[i] = *seen.entry(p).or_insert_with(|| {
                all.push((m, i));
                all.len() - 1
            });
        }
        of.push(mine);
    }
    (all, of)
}

/// Page names for `names`, in order: the name itself, or `name-2`, `name-3`…
/// when an earlier one took it (names compared without case, for file
/// systems that ignore it). Every name keeps its own page first: a suffixed
/// name never takes the page of a name that is really so (`w-2`).
fn page_names<'a>(names: impl Iterator<Item = &'a str>) -> Vec<String> {
    let names: Vec<&str> = names.collect();
    let mut taken = std::collections::HashSet::new();
    let mut out: Vec<Option<String>> = names
        .iter()
        .map(|name| {
            taken
                .insert(name.to_ascii_lowercase())
                .then(|| (*name).to_owned())
        })
        .collect();
    for (page, name) in out.iter_mut().zip(&names) {
        if page.is_none() {
            let mut n = 1;
            *page = loop {
                n += 1;
                let candidate = format!("{name}-{n}");
                if taken.insert(candidate.to_ascii_lowercase()) {
                    break Some(candidate);
                }
            };
        }
    }
    out.into_iter().flatten().collect()
}

impl<'m> Site<'m> {
    fn collect(models: &[&'m Model]) -> Self {
        let place = |span: crate::source::Span| (span.file, span.start);
        let (roles, role_of) = collect(
            models,
            |m| &m.roles,
            |r| (place(r.name.span), r.duplicate, r.name.text.as_str()),
        );
        let (tools, tool_of) = collect(
            models,
            |m| &m.tools,
            |t| (place(t.name.span), t.duplicate, t.name.text.as_str()),
        );
        let (processes, process_of) = collect(
            models,
            |m| &m.processes,
            |p| (place(p.name.span), p.duplicate, p.name.text.as_str()),
        );
        let (workflows, _) = collect(
            models,
            |m| &m.workflows,
            |w| (place(w.name.span), w.duplicate, w.name.text.as_str()),
        );
        let role_page = page_names(
            roles
                .iter()
                .map(|&(m, i)| models[m].roles[i].name.text.as_str()),
        );
        let tool_page = page_names(
            tools
                .iter()
                .map(|&(m, i)| models[m].tools[i].name.text.as_str()),
        );
        let process_page = page_names(
            processes
                .iter()
                .map(|&(m, i)| models[m].processes[i].name.text.as_str()),
        );
        let workflow_page = page_names(
            workflows
                .iter()
                .map(|&(m, i)| models[m].workflows[i].name.text.as_str()),
        );
        Site {
            models: models.to_vec(),
            roles: roles.into_iter().map(|(m, i)| (m, RoleId(i))).collect(),
            tools: tools.into_iter().map(|(m, i)| (m, ToolId(i))).collect(),
            processes: processes
                .into_iter()
                .map(|(m, i)| (m, ProcessId(i)))
                .collect(),
            workflows: workflows
                .into_iter()
                .map(|(m, i)| (m, WorkflowId(i)))
                .collect(),
            role_of,
            tool_of,
            process_of,
            role_page,
            tool_page,
            process_page,
            workflow_page,
        }
    }
}

/// A role's hours per week across the site's workflows
/// ([`crate::model::time::role_hours_per_week`] over every model).
pub(crate) fn hours_per_week(site: &Site, role: usize) -> Option<f64> {
    crate::model::time::role_hours_per_week(site.workflows.iter().filter_map(|&(m, w)| {
        let local = site.role_of[m].iter().position(|&g| g == role)?;
        Some((&site.models[m].workflows[w.0], RoleId(local)))
    }))
}

#[cfg(test)]
mod tests {
    use super::page_names;

    #[test]
    fn a_suffixed_page_never_takes_a_real_names_page() {
        assert_eq!(
            page_names(["w", "w", "w-2", "W"].into_iter()),
            ["w", "w-3", "w-2", "W-4"]
        );
        assert_eq!(page_names(["a", "b"].into_iter()), ["a", "b"]);
    }
}
