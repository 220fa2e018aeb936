//! The BPMN 2.0 XML of a [`Graph`] and its [`Layout`], in the element order
//! of the XSD (`documentation` before `extensionElements`, `incoming` and
//! `outgoing` before data associations), written with `quick-xml`.

use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};

use super::Flavor;
use super::graph::{FlowCondition, Graph, NodeKind};
use super::layout::{Bounds, Layout};
use crate::model::{Model, Workflow};

const BPMN: &str = "http://www.omg.org/spec/BPMN/20100524/MODEL";
const BPMNDI: &str = "http://www.omg.org/spec/BPMN/20100524/DI";
const DC: &str = "http://www.omg.org/spec/DD/20100524/DC";
const DI: &str = "http://www.omg.org/spec/DD/20100524/DI";
const XSI: &str = "http://www.w3.org/2001/XMLSchema-instance";
const ZEEBE: &str = "http://camunda.org/schema/zeebe/1.0";
const MODELER: &str = "http://camunda.org/schema/modeler/1.0";
const SPIFF: &str = "http://spiffworkflow.org/bpmn/schema/1.0/core";

/// Text that XML 1.0 can hold: control characters other than tab, line
/// feed and carriage return are left out.
fn clean(s: &str) -> std::borrow::Cow<'_, str> {
    if s.chars()
        .any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
    {
        s.chars()
            .filter(|c| !c.is_control() || matches!(c, '\t' | '\n' | '\r'))
            .collect::<String>()
            .into()
    } else {
        s.into()
    }
}

/// An attribute value, escaped (line breaks and tabs as character
/// references, so a parser keeps them).
fn escape_attr(s: &str) -> std::borrow::Cow<'_, str> {
    if !s
        .bytes()
        .any(|b| matches!(b, b'&' | b'<' | b'>' | b'"') || b < 0x20 || b == 0x7f)
        && !s.contains(|c: char| c.is_control())
    {
        return s.into();
    }
    let mut out = String::with_capacity(s.len() + 16);
    for c in clean(s).chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' => out.push_str("&#9;"),
            c => out.push(c),
        }
    }
    out.into()
}

/// A small layer over `quick_xml::Writer` writing into memory.
struct Xml {
    w: Writer<Vec<u8>>,
}

impl Xml {
    fn event(&mut self, e: Event<'_>) {
        self.w
            .write_event(e)
            .unwrap_or_else(|e| unreachable!("writing XML into memory: {e}"));
    }
    fn start(name: &str, attrs: &[(&str, &str)]) -> BytesStart<'static> {
        // The tag's content in one buffer, attributes escaped as written.
        let len: usize = attrs.iter().map(|(k, v)| k.len() + v.len() + 4).sum();
        let mut content = String::with_capacity(name.len() + len + 16);
        content.push_str(name);
        for (k, v) in attrs {
            content.push(' ');
            content.push_str(k);
            content.push_str("=\"");
            content.push_str(&escape_attr(v));
            content.push('"');
        }
        BytesStart::from_content(content, name.len())
    }
    fn open(&mut self, name: &str, attrs: &[(&str, &str)]) {
        self.event(Event::Start(Self::start(name, attrs)));
    }
    fn close(&mut self, name: &str) {
        self.event(Event::End(BytesEnd::new(name)));
    }
    fn empty(&mut self, name: &str, attrs: &[(&str, &str)]) {
        self.event(Event::Empty(Self::start(name, attrs)));
    }
    /// An element holding an id procflow made or a Flow name: letters,
    /// digits, `_`, `-` and `.`, which need no escaping (the fast path for
    /// the many references a file holds).
    fn id_text(&mut self, name: &str, id: &str) {
        debug_assert!(
            id.bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'))
        );
        self.event(Event::Start(BytesStart::new(name)));
        self.event(Event::Text(BytesText::from_escaped(id)));
        self.close(name);
    }
    /// An empty element whose attributes are written already (numbers).
    fn raw_empty(&mut self, content: &str, name_len: usize) {
        self.event(Event::Empty(BytesStart::from_content(content, name_len)));
    }
    fn text(&mut self, name: &str, attrs: &[(&str, &str)], text: &str) {
        self.open(name, attrs);
        self.event(Event::Text(BytesText::new(&clean(text))));
        self.close(name);
    }
}

/// A condition as an expression of the flavor: FEEL for Camunda 8
/// (`=hot_lead = true and approved = false`: an unanswered decision is null
/// and holds neither way), Python for `SpiffWorkflow` (`hot_lead == True`;
/// `globals().get("hot_lead") == True` where the decision may be unanswered,
/// as Python raises on an unset name).
fn expression(flavor: Flavor, condition: &FlowCondition) -> String {
    let mut out = String::new();
    if flavor == Flavor::Camunda8 {
        out.push('=');
    }
    for (k, term) in condition.iter().enumerate() {
        if k > 0 {
            out.push_str(" and ");
        }
        if flavor == Flavor::Spiff && term.maybe_unset {
            // Python raises on an unset name: read it as `None` instead.
            out.push_str(&format!("globals().get(\"{}\")", term.variable));
        } else {
            out.push_str(&term.variable);
        }
        out.push_str(match (flavor, term.is) {
            (Flavor::Camunda8, true) => " = true",
            (Flavor::Camunda8, false) => " = false",
            (Flavor::Spiff, true) => " == True",
            (Flavor::Spiff, false) => " == False",
        });
    }
    out
}

/// A timer value: plain ISO 8601 for Camunda 8, a Python string literal for
/// `SpiffWorkflow` (ISO values hold no quote or backslash).
fn timer(flavor: Flavor, iso: &str) -> String {
    match flavor {
        Flavor::Camunda8 => iso.to_owned(),
        Flavor::Spiff => format!("\"{iso}\""),
    }
}

/// Python's keywords: an artifact with such a name is set through
/// `globals()` in a script.
const PYTHON_KEYWORDS: &[&str] = &[
    "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue",
    "def", "del", "elif", "else", "except", "finally", "for", "from", "global", "if", "import",
    "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try", "while",
    "with", "yield",
];

/// The script of an automated step in the spiff flavor: it stands in for the
/// real work, leaves each decision the step takes unanswered (`None`: neither
/// `when` holds) and sets each artifact the step produces (`SpiffWorkflow`
/// copies a task's variable of that name into the data object).
fn spiff_script(workflow: &Workflow, step: usize, g: &Graph) -> String {
    let s = &workflow.steps[step];
    let mut out = format!(
        "# procflow: automated step {}; replace with the real call\n",
        s.name.text
    );
    for &d in &s.decides {
        // Unanswered until the real call answers it (neither `when` holds).
        out.push_str(&format!(
            "{} = None  # replace: True or False, the answer of this step\n",
            workflow.decisions[d].variable()
        ));
    }
    let mut any = false;
    for p in &s.produces {
        let Some(d) = g.data.iter().find(|d| d.name == p.text) else {
            continue;
        };
        any = true;
        let python_name =
            d.id.chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
                && d.id.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                && !PYTHON_KEYWORDS.contains(&d.id.as_str());
        if python_name {
            out.push_str(&format!("{} = \"{}\"\n", d.id, s.name.text));
        } else {
            out.push_str(&format!("globals()[\"{}\"] = \"{}\"\n", d.id, s.name.text));
        }
    }
    if !any {
        out.push_str("pass\n");
    }
    out
}

/// A data object's label: its name as a title, as titles made from names
/// elsewhere.
fn data_label(name: &str) -> String {
    crate::model::title_from_name(name)
}

/// The whole document.
pub(super) fn document(
    model: &Model,
    workflow: &Workflow,
    g: &Graph,
    layout: &Layout,
    flavor: Flavor,
    camunda_version: &str,
) -> String {
    let mut x = Xml {
        w: Writer::new_with_indent(
            Vec::with_capacity(8192 + 1024 * (g.nodes.len() + g.flows.len())),
            b' ',
            2,
        ),
    };
    x.event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)));
    let workflow_id = workflow.name.text.as_str();
    let target_ns = format!("https://procflow.dev/bpmn/{workflow_id}");
    // The process's id is the workflow's, unless a step has it too (a task's
    // id is its step's): then `WORKFLOW.process`, which no Flow name is.
    let process_id = if workflow.steps.iter().any(|s| s.name.text == workflow_id) {
        format!("{workflow_id}.process")
    } else {
        workflow_id.to_owned()
    };
    let id = process_id.as_str();
    let platform_version = format!("{camunda_version}.0");
    let mut attrs: Vec<(&str, &str)> = vec![
        ("xmlns:bpmn", BPMN),
        ("xmlns:bpmndi", BPMNDI),
        ("xmlns:dc", DC),
        ("xmlns:di", DI),
        ("xmlns:xsi", XSI),
    ];
    match flavor {
        Flavor::Camunda8 => {
            attrs.push(("xmlns:zeebe", ZEEBE));
            attrs.push(("xmlns:modeler", MODELER));
        }
        Flavor::Spiff => attrs.push(("xmlns:spiffworkflow", SPIFF)),
    }
    attrs.extend([
        ("id", "_definitions"),
        ("targetNamespace", target_ns.as_str()),
        ("exporter", "procflow"),
    ]);
    if flavor == Flavor::Camunda8 {
        attrs.push(("modeler:executionPlatform", "Camunda Cloud"));
        attrs.push(("modeler:executionPlatformVersion", &platform_version));
    }
    x.open("bpmn:definitions", &attrs);

    let title = crate::backend::title(&workflow.name, workflow.title.as_ref());
    x.open("bpmn:collaboration", &[("id", "_collaboration")]);
    x.empty(
        "bpmn:participant",
        &[("id", "_participant"), ("name", &title), ("processRef", id)],
    );
    x.close("bpmn:collaboration");

    x.open(
        "bpmn:process",
        &[("id", id), ("name", &title), ("isExecutable", "true")],
    );
    if let Some(doc) = process_documentation(model, workflow) {
        x.text("bpmn:documentation", &[], &doc);
    }
    if flavor == Flavor::Camunda8 {
        write_forms(&mut x, workflow, g);
    }
    x.open("bpmn:laneSet", &[("id", "_lanes")]);
    let lane_ids = lane_ids(model, g);
    for (k, (_, name)) in g.lanes.iter().enumerate() {
        x.open("bpmn:lane", &[("id", &lane_ids[k]), ("name", name)]);
        for node in g.nodes.iter().filter(|n| n.lane == k) {
            x.id_text("bpmn:flowNodeRef", &node.id);
        }
        x.close("bpmn:lane");
    }
    x.close("bpmn:laneSet");

    let mut associations: Vec<Vec<&super::graph::Association>> = vec![Vec::new(); g.nodes.len()];
    for a in &g.associations {
        associations[a.node].push(a);
    }
    for (k, assocs) in associations.iter().enumerate() {
        write_node(&mut x, model, workflow, g, k, assocs, flavor);
    }
    for d in &g.data {
        x.empty("bpmn:dataObject", &[("id", &d.id), ("name", &d.name)]);
    }
    for d in &g.data {
        x.empty(
            "bpmn:dataObjectReference",
            &[
                ("id", &format!("_ref.{}", d.name)),
                ("name", &data_label(&d.name)),
                ("dataObjectRef", &d.id),
            ],
        );
    }
    for f in &g.flows {
        let source = &g.nodes[f.source].id;
        let target = &g.nodes[f.target].id;
        let mut attrs = vec![
            ("id", f.id.as_str()),
            ("sourceRef", source.as_str()),
            ("targetRef", target.as_str()),
        ];
        if let Some(name) = &f.name {
            attrs.push(("name", name));
        }
        match &f.condition {
            Some(c) => {
                x.open("bpmn:sequenceFlow", &attrs);
                x.text(
                    "bpmn:conditionExpression",
                    &[("xsi:type", "bpmn:tFormalExpression")],
                    &expression(flavor, c),
                );
                x.close("bpmn:sequenceFlow");
            }
            None => x.empty("bpmn:sequenceFlow", &attrs),
        }
    }
    x.close("bpmn:process");

    write_diagram(&mut x, g, layout, &lane_ids);
    x.close("bpmn:definitions");
    let mut out = x.w.into_inner();
    out.push(b'\n');
    String::from_utf8(out).unwrap_or_else(|e| unreachable!("quick-xml writes UTF-8: {e}"))
}

/// A Camunda form (the form-js schema): members in alphabetical order.
#[derive(serde::Serialize)]
struct Form<'a> {
    components: Vec<FormComponent<'a>>,
    id: &'a str,
    #[serde(rename = "schemaVersion")]
    schema_version: u32,
    #[serde(rename = "type")]
    kind: &'static str,
}

/// A component of a [`Form`]: a text (Markdown) or a checkbox.
#[derive(serde::Serialize)]
struct FormComponent<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    key: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    label: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    text: Option<&'a str>,
    #[serde(rename = "type")]
    kind: &'static str,
}

/// The embedded Camunda form of each user task (`zeebe:userTaskForm`, shown
/// by Tasklist): the task's title and documentation, and a checkbox per
/// decision the step takes, whose key is the decision's variable.
fn write_forms(x: &mut Xml, workflow: &Workflow, g: &Graph) {
    let users: Vec<&super::graph::Node> = g
        .nodes
        .iter()
        .filter(|n| match n.kind {
            NodeKind::Step(s) => !workflow.steps[s].automated,
            NodeKind::Escalation { .. } => true,
            _ => false,
        })
        .collect();
    if users.is_empty() {
        return;
    }
    x.open("bpmn:extensionElements", &[]);
    for node in users {
        let mut text = format!("## {}", node.name.as_deref().unwrap_or(""));
        if let Some(doc) = &node.documentation {
            text.push_str("\n\n");
            text.push_str(doc);
        }
        let mut components = vec![FormComponent {
            key: None,
            label: None,
            text: Some(&text),
            kind: "text",
        }];
        let mut variables = Vec::new();
        if let NodeKind::Step(s) = node.kind {
            for &d in &workflow.steps[s].decides {
                let d = &workflow.decisions[d];
                variables.push((d.variable(), d.question.value.trim()));
            }
        }
        for (variable, question) in &variables {
            components.push(FormComponent {
                key: Some(variable),
                label: Some(question),
                text: None,
                kind: "checkbox",
            });
        }
        let id = format!("{}.form", node.id);
        let form = Form {
            components,
            id: &id,
            schema_version: 16,
            kind: "default",
        };
        let json = serde_json::to_string(&form)
            .unwrap_or_else(|e| unreachable!("a form serializes into memory: {e}"));
        x.text("zeebe:userTaskForm", &[("id", &id)], &json);
    }
    x.close("bpmn:extensionElements");
}

/// The process's documentation: the workflow's description, the process it
/// implements and its outcome, its inputs, `every`, and its target.
fn process_documentation(model: &Model, workflow: &Workflow) -> Option<String> {
    let mut parts = Vec::new();
    if let Some(d) = &workflow.description {
        parts.push(d.value.trim().to_owned());
    }
    if let Some(p) = workflow.process {
        let p = &model.processes[p.0];
        let mut line = format!(
            "Implements the process “{}”",
            crate::backend::title(&p.name, p.title.as_ref())
        );
        if let Some(o) = &p.outcome {
            line.push_str(&format!(": {}", o.value.trim()));
        }
        line.push('.');
        parts.push(line);
    }
    if let Some(o) = workflow.owner {
        let r = &model.roles[o.0];
        parts.push(format!(
            "Owner: {}.",
            crate::backend::title(&r.name, r.title.as_ref())
        ));
    }
    if let Some(v) = &workflow.version {
        parts.push(format!("Version {}.", v.value.trim()));
    }
    if !workflow.inputs.is_empty() {
        let names: Vec<&str> = workflow.inputs.iter().map(|i| i.text.as_str()).collect();
        parts.push(format!("Starts with: {}.", names.join(", ")));
    }
    if let Some(e) = &workflow.every {
        parts.push(format!(
            "A run starts every {} on average.",
            crate::backend::duration_words(e)
        ));
    }
    if let Some(lead) = crate::backend::lead_time_words(workflow) {
        if crate::backend::says_time(workflow) {
            parts.push(format!("Lead time: {lead}."));
        }
    }
    (!parts.is_empty()).then(|| parts.join("\n\n"))
}

/// The id of each lane: `_lane.ROLE` (`_lane` for steps without an owner).
fn lane_ids(model: &Model, g: &Graph) -> Vec<String> {
    g.lanes
        .iter()
        .map(|(r, _)| match r {
            Some(r) => format!("_lane.{}", model.roles[r.0].name.text),
            None => "_lane".to_owned(),
        })
        .collect()
}

fn write_node(
    x: &mut Xml,
    model: &Model,
    workflow: &Workflow,
    g: &Graph,
    k: usize,
    assocs: &[&super::graph::Association],
    flavor: Flavor,
) {
    let node = &g.nodes[k];
    let role_id = |r: crate::model::RoleId| model.roles[r.0].name.text.as_str();
    let (element, automated) = match &node.kind {
        NodeKind::Start { .. } => ("bpmn:startEvent", false),
        NodeKind::End => ("bpmn:endEvent", false),
        NodeKind::Step(s) if workflow.steps[*s].automated => match flavor {
            Flavor::Camunda8 => ("bpmn:serviceTask", true),
            Flavor::Spiff => ("bpmn:scriptTask", true),
        },
        NodeKind::Step(_) | NodeKind::Escalation { .. } => ("bpmn:userTask", false),
        NodeKind::Parallel => ("bpmn:parallelGateway", false),
        NodeKind::Exclusive => ("bpmn:exclusiveGateway", false),
        NodeKind::Wait(_) => ("bpmn:intermediateCatchEvent", false),
        NodeKind::Boundary { .. } => ("bpmn:boundaryEvent", false),
    };
    let mut attrs: Vec<(&str, &str)> = vec![("id", &node.id)];
    if let Some(name) = &node.name {
        attrs.push(("name", name));
    }
    let default_id;
    if let Some(d) = node.default {
        default_id = g.flows[d].id.clone();
        attrs.push(("default", &default_id));
    }
    if let NodeKind::Boundary { host, .. } = &node.kind {
        attrs.push(("cancelActivity", "false"));
        attrs.push(("attachedToRef", &g.nodes[*host].id));
    }
    x.open(element, &attrs);
    if let Some(doc) = &node.documentation {
        x.text("bpmn:documentation", &[], doc);
    }
    if flavor == Flavor::Camunda8 {
        match &node.kind {
            NodeKind::Step(s) if automated => {
                let step = &workflow.steps[*s];
                x.open("bpmn:extensionElements", &[]);
                x.empty("zeebe:taskDefinition", &[("type", &step.name.text)]);
                if let Some(run) = &step.run {
                    x.open("zeebe:taskHeaders", &[]);
                    x.empty("zeebe:header", &[("key", "run"), ("value", &run.value)]);
                    x.close("zeebe:taskHeaders");
                }
                x.close("bpmn:extensionElements");
            }
            NodeKind::Step(_) | NodeKind::Escalation { .. } => {
                let role = match &node.kind {
                    NodeKind::Step(s) => workflow.steps[*s].owner,
                    NodeKind::Escalation { role, .. } => Some(*role),
                    _ => None,
                };
                x.open("bpmn:extensionElements", &[]);
                if let Some(r) = role {
                    x.empty(
                        "zeebe:assignmentDefinition",
                        &[("candidateGroups", role_id(r))],
                    );
                }
                x.empty(
                    "zeebe:formDefinition",
                    &[("formKey", &format!("camunda-forms:bpmn:{}.form", node.id))],
                );
                x.close("bpmn:extensionElements");
            }
            _ => {}
        }
    }
    for &f in &node.incoming {
        x.id_text("bpmn:incoming", &g.flows[f].id);
    }
    for &f in &node.outgoing {
        x.id_text("bpmn:outgoing", &g.flows[f].id);
    }
    if assocs.iter().any(|a| !a.output) {
        x.empty(
            "bpmn:property",
            &[
                ("id", &format!("{}.needs", node.id)),
                ("name", "__targetRef_placeholder"),
            ],
        );
    }
    for a in assocs.iter().filter(|a| !a.output) {
        x.open("bpmn:dataInputAssociation", &[("id", &a.id)]);
        x.text(
            "bpmn:sourceRef",
            &[],
            &format!("_ref.{}", g.data[a.data].name),
        );
        x.text("bpmn:targetRef", &[], &format!("{}.needs", node.id));
        x.close("bpmn:dataInputAssociation");
    }
    for a in assocs.iter().filter(|a| a.output) {
        x.open("bpmn:dataOutputAssociation", &[("id", &a.id)]);
        x.text(
            "bpmn:targetRef",
            &[],
            &format!("_ref.{}", g.data[a.data].name),
        );
        x.close("bpmn:dataOutputAssociation");
    }
    match &node.kind {
        NodeKind::Step(s) if automated && flavor == Flavor::Spiff => {
            x.text("bpmn:script", &[], &spiff_script(workflow, *s, g));
        }
        NodeKind::Start { cycle: Some(c) } => {
            x.open(
                "bpmn:timerEventDefinition",
                &[("id", &format!("{}.timer", node.id))],
            );
            x.text(
                "bpmn:timeCycle",
                &[("xsi:type", "bpmn:tFormalExpression")],
                &timer(flavor, c),
            );
            x.close("bpmn:timerEventDefinition");
        }
        NodeKind::Wait(d) | NodeKind::Boundary { duration: d, .. } => {
            x.open(
                "bpmn:timerEventDefinition",
                &[("id", &format!("{}.timer", node.id))],
            );
            x.text(
                "bpmn:timeDuration",
                &[("xsi:type", "bpmn:tFormalExpression")],
                &timer(flavor, d),
            );
            x.close("bpmn:timerEventDefinition");
        }
        _ => {}
    }
    x.close(element);
}

fn bounds(x: &mut Xml, b: Bounds) {
    let mut n = itoa::Buffer::new();
    let mut content = String::with_capacity(64);
    content.push_str("dc:Bounds x=\"");
    content.push_str(n.format(b.x));
    content.push_str("\" y=\"");
    content.push_str(n.format(b.y));
    content.push_str("\" width=\"");
    content.push_str(n.format(b.w));
    content.push_str("\" height=\"");
    content.push_str(n.format(b.h));
    content.push('"');
    x.raw_empty(&content, "dc:Bounds".len());
}

fn label(x: &mut Xml, b: Option<Bounds>) {
    if let Some(b) = b {
        x.open("bpmndi:BPMNLabel", &[]);
        bounds(x, b);
        x.close("bpmndi:BPMNLabel");
    }
}

fn waypoints(x: &mut Xml, points: &[(i64, i64)]) {
    let mut n = itoa::Buffer::new();
    let mut content = String::with_capacity(40);
    for &(px, py) in points {
        content.clear();
        content.push_str("di:waypoint x=\"");
        content.push_str(n.format(px));
        content.push_str("\" y=\"");
        content.push_str(n.format(py));
        content.push('"');
        x.raw_empty(&content, "di:waypoint".len());
    }
}

/// `<NAME id="PREFIXID_di" bpmnElement="PREFIXID"MORE>`: the opening tag of a
/// DI element, for an id that needs no escaping (one made by procflow, or a
/// Flow name).
fn di_open(x: &mut Xml, name: &str, prefix: &str, id: &str, more: &str) {
    let mut content = String::with_capacity(name.len() + 2 * (prefix.len() + id.len()) + 40);
    for part in [
        name,
        " id=\"",
        prefix,
        id,
        "_di\" bpmnElement=\"",
        prefix,
        id,
        "\"",
        more,
    ] {
        content.push_str(part);
    }
    x.event(Event::Start(BytesStart::from_content(content, name.len())));
}

fn write_diagram(x: &mut Xml, g: &Graph, layout: &Layout, lane_ids: &[String]) {
    x.open("bpmndi:BPMNDiagram", &[("id", "_diagram")]);
    x.open(
        "bpmndi:BPMNPlane",
        &[("id", "_plane"), ("bpmnElement", "_collaboration")],
    );
    x.open(
        "bpmndi:BPMNShape",
        &[
            ("id", "_participant_di"),
            ("bpmnElement", "_participant"),
            ("isHorizontal", "true"),
        ],
    );
    bounds(x, layout.pool);
    x.close("bpmndi:BPMNShape");
    for (k, lane) in lane_ids.iter().enumerate() {
        x.open(
            "bpmndi:BPMNShape",
            &[
                ("id", &format!("{lane}_di")),
                ("bpmnElement", lane),
                ("isHorizontal", "true"),
            ],
        );
        bounds(x, layout.lanes[k]);
        x.close("bpmndi:BPMNShape");
    }
    for (k, node) in g.nodes.iter().enumerate() {
        di_open(
            x,
            "bpmndi:BPMNShape",
            "",
            &node.id,
            if node.kind == NodeKind::Exclusive {
                " isMarkerVisible=\"true\""
            } else {
                ""
            },
        );
        bounds(x, layout.nodes[k]);
        label(x, layout.node_labels[k]);
        x.close("bpmndi:BPMNShape");
    }
    for (k, d) in g.data.iter().enumerate() {
        di_open(x, "bpmndi:BPMNShape", "_ref.", &d.name, "");
        bounds(x, layout.data[k]);
        x.close("bpmndi:BPMNShape");
    }
    for (k, f) in g.flows.iter().enumerate() {
        di_open(x, "bpmndi:BPMNEdge", "", &f.id, "");
        waypoints(x, &layout.flows[k]);
        label(x, layout.flow_labels[k]);
        x.close("bpmndi:BPMNEdge");
    }
    for (k, a) in g.associations.iter().enumerate() {
        di_open(x, "bpmndi:BPMNEdge", "", &a.id, "");
        waypoints(x, &layout.associations[k]);
        x.close("bpmndi:BPMNEdge");
    }
    x.close("bpmndi:BPMNPlane");
    x.close("bpmndi:BPMNDiagram");
}
