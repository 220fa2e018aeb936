//! `procflow build`: every output of one command rendered, then staged and
//! committed together (split from cli.rs, which holds the other commands).

use super::{
    BpmnFlavor, BuildArgs, CheckOptions, Emit, Error, ExitCode, HumanOptions, Input, IsTerminal,
    LevelSetting, PathBuf, auto_color, handbook, input_for, output, render, usage, write_stdout,
};

pub(super) fn build(args: &BuildArgs, settings: Vec<LevelSetting>) -> Result<ExitCode, Error> {
    use procflow::backend::{self, dot, mermaid, plan, sop};
    use procflow::model::WorkflowId;

    if args.emit == Emit::Handbook {
        return handbook::build(args, settings);
    }
    if args.templates.is_some() {
        return Err(usage(
            "`--templates` is for `--emit handbook`".to_owned(),
            None,
        ));
    }
    let [file] = args.paths.as_slice() else {
        return Err(usage(
            format!(
                "`--emit {}` builds one file, and {} were given",
                args.emit.name(),
                args.paths.len()
            ),
            Some(
                "give one file (only `--emit handbook` reads several files and folders)".to_owned(),
            ),
        ));
    };
    // A user's template is read and parsed first: an error in it stops the
    // build before anything is written.
    let template = match &args.template {
        Some(_) if args.emit != Emit::Sop => {
            return Err(usage(
                "`--template` applies to `--emit sop` only".to_owned(),
                Some("drop `--template`, or build with `--emit sop`".to_owned()),
            ));
        }
        Some(path) => Some(sop::Template::from_file(path)?),
        None => None,
    };
    let input = input_for(file, args.stdin_filename.as_ref())?;
    let options = CheckOptions {
        settings,
        no_config: args.levels.no_config,
    };
    let built = procflow::compile(&input, &options)?;
    let sources = &built.workspace.sources;
    let read = Read::new(sources);
    // One compilation for a .flow file; one per `flow` block of Markdown.
    let compilations = &built.compilations;
    let color = auto_color(std::io::stderr().is_terminal());
    let diagnostics: Vec<procflow::Diagnostic> = compilations
        .iter()
        .flat_map(|c| c.diagnostics.iter().cloned())
        .collect();
    if !diagnostics.is_empty() {
        let shown = render::limit(sources, &diagnostics, render::Limits::DEFAULT);
        let text = render::human_shown(sources, &shown, HumanOptions { color });
        eprint!("{text}");
    }
    if compilations.iter().any(procflow::Compilation::has_errors) {
        eprintln!("nothing was built: fix the errors above first");
        return Ok(ExitCode::from(1));
    }
    let root_name = match &input {
        Input::Path(path) => procflow::display_name(path),
        Input::Text { name, .. } => name.clone(),
    };
    // Every workflow of the file: (its compilation, its id).
    let workflows: Vec<(usize, WorkflowId)> = compilations
        .iter()
        .enumerate()
        .flat_map(|(i, c)| {
            backend::root_workflows(&c.model)
                .into_iter()
                .map(move |w| (i, w))
        })
        .collect();
    let id_of =
        |&(i, w): &(usize, WorkflowId)| compilations[i].model.workflows[w.0].name.text.as_str();
    let ids: Vec<&str> = workflows.iter().map(id_of).collect();
    if let Some(twice) = ids
        .iter()
        .enumerate()
        .find_map(|(i, id)| ids[..i].contains(id).then_some(id))
    {
        if args.workflow.as_deref().is_none_or(|w| w == *twice) {
            return Err(usage(
                format!("`{root_name}` declares the workflow `{twice}` in two `flow` blocks"),
                Some("rename one of them: each output is named after its workflow".to_owned()),
            ));
        }
    }
    let chosen = match &args.workflow {
        Some(id) => match workflows.iter().find(|w| id_of(w) == id) {
            Some(&w) => Some(w),
            None => {
                return Err(usage(
                    format!("`{root_name}` has no workflow `{id}`"),
                    Some(if ids.is_empty() {
                        "the file declares no workflow".to_owned()
                    } else {
                        format!("its workflows are: {}", ids.join(", "))
                    }),
                ));
            }
        },
        None => None,
    };
    // (file name in --out-dir, contents)
    let mut outputs: Vec<(String, String)> = Vec::new();
    if args.emit == Emit::Dot {
        let stem = std::path::Path::new(&root_name)
            .file_stem()
            .map_or_else(|| "flow".into(), |s| s.to_string_lossy().into_owned());
        let (model, workflow) = match (chosen, compilations.len()) {
            (Some((i, w)), _) => (&compilations[i].model, Some(w)),
            (None, 1) => (&compilations[0].model, None),
            (None, 0) => {
                return Err(usage(
                    format!("`{root_name}` has no `flow` block, so there is nothing to draw"),
                    Some("tag a fenced code block ```flow to build it".to_owned()),
                ));
            }
            (None, blocks) => {
                return Err(usage(
                    format!(
                        "`{root_name}` has {blocks} `flow` blocks, each a file of its own: choose the one to draw with `--workflow ID` (a workflow of that block)"
                    ),
                    Some(if ids.is_empty() {
                        "its blocks declare no workflow".to_owned()
                    } else {
                        format!("its workflows are: {}", ids.join(", "))
                    }),
                ));
            }
        };
        outputs.push((format!("{stem}.dot"), dot::render(model, workflow)));
    } else {
        let targets = match chosen {
            Some(w) => vec![w],
            None if workflows.len() == 1 || (args.out_dir.is_some() && !workflows.is_empty()) => {
                workflows.clone()
            }
            None if workflows.is_empty() => {
                return Err(usage(
                    format!("`{root_name}` declares no workflow, so there is nothing to build"),
                    Some("`--emit dot` draws the processes of a file without workflows".to_owned()),
                ));
            }
            None => {
                return Err(usage(
                    format!(
                        "`{root_name}` has {} workflows: choose one with `--workflow ID`, or write them all with `--out-dir DIR`",
                        workflows.len()
                    ),
                    Some(format!("its workflows are: {}", ids.join(", "))),
                ));
            }
        };
        if !procflow::backend::bpmn::valid_camunda_version(&args.camunda_version) {
            return Err(usage(
                format!(
                    "`--camunda-version {}` is not a Camunda version",
                    args.camunda_version
                ),
                Some("write it as MAJOR.MINOR, for example `--camunda-version 8.5`".to_owned()),
            ));
        }
        let bpmn_options = procflow::backend::bpmn::BpmnOptions {
            flavor: match args.bpmn_flavor {
                BpmnFlavor::Camunda8 => procflow::backend::bpmn::Flavor::Camunda8,
                BpmnFlavor::Spiff => procflow::backend::bpmn::Flavor::Spiff,
            },
            camunda_version: &args.camunda_version,
        };
        let render = |i: usize, w: WorkflowId| {
            let model = &compilations[i].model;
            let options = sop::SopOptions {
                mermaid: !args.no_mermaid,
            };
            match args.emit {
                Emit::Sop => match &template {
                    Some(t) => sop::render_with(t, model, w, options).map_err(Error::from),
                    None => Ok(sop::render(model, w, options)),
                },
                Emit::Plan => Ok(plan::render(model, w)),
                Emit::Mermaid => Ok(mermaid::render(model, w)),
                Emit::Bpmn => Ok(procflow::backend::bpmn::render(model, w, bpmn_options)),
                Emit::Dot | Emit::Handbook => unreachable!("handled above"),
            }
        };
        let name =
            |target: &(usize, WorkflowId)| format!("{}.{}", id_of(target), args.emit.extension());
        if let (None, Some(dir), Some(_)) = (&args.output, &args.out_dir, &template) {
            // A user's template may fail on any workflow: every SOP is
            // rendered before the folder is touched.
            let texts = per_compilation(compilations.len(), &targets, render)
                .into_iter()
                .collect::<Result<Vec<String>, Error>>()?;
            output::create_folder(dir)?;
            let staged = targets
                .iter()
                .zip(texts)
                .map(|(target, text)| {
                    let path = dir.join(name(target));
                    read.not_a_source(&path)?;
                    output::stage(&path, &text).map(|s| (s, path))
                })
                .collect();
            commit_into_dir(staged)?;
            std::mem::forget(built);
            return Ok(ExitCode::SUCCESS);
        }
        if let (None, Some(dir)) = (&args.output, &args.out_dir) {
            // Each workflow's file is staged (written to its temporary file)
            // by the thread that rendered it, so writing overlaps rendering;
            // the files are renamed into place only once all are staged.
            output::create_folder(dir)?;
            let staged = per_compilation(compilations.len(), &targets, |i, w| {
                let path = dir.join(name(&(i, w)));
                read.not_a_source(&path)?;
                render(i, w).and_then(|text| output::stage(&path, &text).map(|s| (s, path)))
            });
            commit_into_dir(staged)?;
            std::mem::forget(built);
            return Ok(ExitCode::SUCCESS);
        }
        let texts = per_compilation(compilations.len(), &targets, render);
        // `per_compilation` returns them grouped by compilation, which is the
        // order of `targets` (workflows are listed compilation by compilation).
        for (target, text) in targets.iter().zip(texts) {
            outputs.push((name(target), text?));
        }
    }
    match (&args.output, &args.out_dir) {
        (Some(path), _) if path.as_os_str() == "-" => write_stdout(&outputs.swap_remove(0).1),
        (Some(path), _) => {
            read.not_a_source(path)?;
            output::write_all(&[(path.clone(), outputs.swap_remove(0).1)])?;
        }
        (None, Some(dir)) => {
            // `--emit dot`: one file for the whole input.
            output::create_folder(dir)?;
            let staged = outputs
                .iter()
                .map(|(name, text)| {
                    let path = dir.join(name);
                    read.not_a_source(&path)?;
                    output::stage(&path, text).map(|s| (s, path))
                })
                .collect();
            commit_into_dir(staged)?;
        }
        (None, None) => write_stdout(&outputs.swap_remove(0).1),
    }
    // As for `check`: exit without freeing the model and the trees.
    std::mem::forget(built);
    Ok(ExitCode::SUCCESS)
}

/// The files a build read, resolved (links followed), with their names as
/// given: an output must not replace one.
struct Read(Vec<(PathBuf, PathBuf)>);

impl Read {
    fn new(sources: &procflow::source::SourceMap) -> Read {
        Read(
            sources
                .iter()
                .filter_map(|(_, f)| f.path.as_deref())
                .filter_map(|p| Some((std::fs::canonicalize(p).ok()?, p.to_path_buf())))
                .collect(),
        )
    }

    /// An error when `path` is one of the files read (`-o x.flow` for
    /// `-o x.md`, say): an output never replaces its own source.
    fn not_a_source(&self, path: &std::path::Path) -> Result<(), Error> {
        let Ok(out) = std::fs::canonicalize(path) else {
            // Not there yet: not a source.
            return Ok(());
        };
        match self.0.iter().find(|(resolved, _)| *resolved == out) {
            Some((_, source)) => Err(usage(
                format!(
                    "`{}` is an input of this build: writing the output there would replace it",
                    source.display()
                ),
                Some("write the output elsewhere (`-o FILE` or `--out-dir DIR`)".to_owned()),
            )),
            None => Ok(()),
        }
    }
}

/// `f` applied to each target, on all cores for the workflows of one
/// compilation, results grouped by compilation (in order).
fn per_compilation<R: Send>(
    compilations: usize,
    targets: &[(usize, procflow::model::WorkflowId)],
    f: impl Fn(usize, procflow::model::WorkflowId) -> R + Sync,
) -> Vec<R> {
    let mut results = Vec::with_capacity(targets.len());
    for i in 0..compilations {
        let mine: Vec<_> = targets.iter().filter(|t| t.0 == i).map(|t| t.1).collect();
        results.extend(procflow::backend::render_each(&mine, |w| f(i, w)));
    }
    results
}

/// Commits the outputs staged into an `--out-dir` (none if any failed), then
/// lists them on standard error.
fn commit_into_dir(
    staged: Vec<Result<(Option<output::Staged>, PathBuf), Error>>,
) -> Result<(), Error> {
    let mut ready = Vec::with_capacity(staged.len());
    let mut wrote = String::new();
    for result in staged {
        let (s, path) = result?;
        let _ = std::fmt::Write::write_fmt(&mut wrote, format_args!("wrote {}\n", path.display()));
        ready.extend(s);
    }
    output::commit(ready)?;
    // One write for the whole list: standard error is unbuffered.
    eprint!("{wrote}");
    Ok(())
}
