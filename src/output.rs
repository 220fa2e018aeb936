//! Writing the outputs of one command (`build -o`, `build --out-dir`, `fmt` of
//! many files) all together: every output is staged first, and files are
//! replaced only once every one of them could be staged; if a replacement
//! still fails midway, the ones already made are undone.
//!
//! - **Staging** checks each destination and writes the new text to a
//!   temporary file beside it. A destination that is a symbolic link is
//!   followed to its final target (chains included): the temporary file goes
//!   beside the *target*, which is replaced, and the link stays a link. A
//!   destination that already holds the text is left alone.
//! - **Committing** renames every temporary file over its destination (each
//!   rename is atomic), keeping the old text of each replaced file in memory;
//!   if a rename fails, the files already replaced get their old text back
//!   (written the same way) and new ones are removed.
//! - A regular file with several **hard links** is written in place (its
//!   inode is kept, so every link sees the new text): that write is not
//!   atomic, so it comes after every rename and is undone like them.
//! - A destination that is neither a file nor a folder (`/dev/null`,
//!   `/dev/stdout`, a FIFO) is written to directly, last, and cannot be undone.
//!
//! Nothing here prints: `cli.rs` does.

use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use procflow::Error;
use procflow::error::OutputAction;

/// How many symbolic links are followed before giving up (as Linux does).
const MAX_LINKS: usize = 40;

/// One output, staged: ready to be put in place by [`commit`].
pub struct Staged {
    /// The path as given (for messages).
    shown: PathBuf,
    /// Where the bytes go: `shown` with every symbolic link followed.
    target: PathBuf,
    kind: Kind,
}

enum Kind {
    /// A temporary file beside `target` (written and closed: a command with
    /// thousands of outputs keeps no file open), renamed over it.
    Rename(tempfile::TempPath),
    /// A file with several hard links: rewritten in place.
    InPlace { text: Vec<u8> },
    /// A device or a FIFO: opened and written at the end.
    Stream { text: Vec<u8> },
}

/// Stages `text` for `path`; `None` if `path` already holds exactly the text
/// (left as it is, modification time included: replacing it would change
/// nothing but cost a new inode, and rebuilding hundreds of outputs mostly
/// rewrites identical ones).
///
/// # Errors
/// When the destination cannot be written: a folder, a missing or read-only
/// folder, a loop of links, a full disk.
pub fn stage(path: &Path, text: &str) -> Result<Option<Staged>, Error> {
    let fail = |reason: &std::io::Error| write_error(OutputAction::Write, path, reason);
    let target = resolve(path)?;
    let staged = |kind| {
        Ok(Some(Staged {
            shown: path.to_path_buf(),
            target: target.clone(),
            kind,
        }))
    };
    let meta = match fs::metadata(&target) {
        Ok(meta) => Some(meta),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(fail(&e)),
    };
    if let Some(meta) = &meta {
        if meta.is_dir() {
            return Err(Error::Output {
                action: OutputAction::Write,
                path: path.to_path_buf(),
                reason: "it is a folder".to_owned(),
                help: Some("remove the folder, or write the output somewhere else".to_owned()),
            });
        }
        if !meta.is_file() {
            return staged(Kind::Stream {
                text: text.as_bytes().to_vec(),
            });
        }
        if meta.len() == text.len() as u64
            && fs::read(&target).is_ok_and(|bytes| bytes == text.as_bytes())
        {
            return Ok(None);
        }
        if hard_links(meta) > 1 {
            // Opened now, so that a file we may not write fails before
            // anything is replaced; truncated only when committing.
            fs::OpenOptions::new()
                .write(true)
                .open(&target)
                .map_err(|e| fail(&e))?;
            return staged(Kind::InPlace {
                text: text.as_bytes().to_vec(),
            });
        }
    }
    let dir = target
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    match fs::metadata(dir) {
        Ok(meta) if meta.is_dir() => {}
        Ok(_) => {
            return Err(folder_error(
                path,
                format!("`{}` is not a folder", dir.display()),
            ));
        }
        Err(_) => {
            return Err(folder_error(
                path,
                format!("its folder `{}` does not exist", dir.display()),
            ));
        }
    }
    let mut builder = tempfile::Builder::new();
    builder.prefix(".procflow-");
    // tempfile creates files readable by their owner only; the file we write
    // is a document like any other: a new one gets the usual mode (0666 less
    // the umask), a replaced one keeps its mode.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        builder.permissions(fs::Permissions::from_mode(0o666));
    }
    let mut temp = builder.tempfile_in(dir).map_err(|e| fail(&e))?;
    if let Some(meta) = &meta {
        temp.as_file()
            .set_permissions(meta.permissions())
            .map_err(|e| fail(&e))?;
    }
    // No fsync: the rename is what makes a reader see a whole file or the old
    // one; flushing hundreds of plans to disk one by one would only make builds
    // slow (cargo and rustfmt do not either).
    temp.write_all(text.as_bytes()).map_err(|e| fail(&e))?;
    staged(Kind::Rename(temp.into_temp_path()))
}

/// Stages every output, then commits them: if any cannot be staged, nothing
/// is replaced. Returns how many files were written (not those that already
/// held their text).
///
/// # Errors
/// The first output that cannot be staged or put in place.
pub fn write_all(files: &[(PathBuf, String)]) -> Result<usize, Error> {
    let mut staged = Vec::with_capacity(files.len());
    for (path, text) in files {
        staged.extend(stage(path, text)?);
    }
    let written = staged.len();
    commit(staged)?;
    Ok(written)
}

/// What to do to undo one replacement.
struct Undo {
    shown: PathBuf,
    target: PathBuf,
    /// The old text and permissions, or `None` for a file that was new.
    old: Option<(Vec<u8>, fs::Permissions)>,
}

/// Puts every staged output in place: renames first (each atomic), then
/// in-place writes of hard-linked files, then devices. If one fails, every
/// file already replaced gets its old text back and the error is returned.
///
/// # Errors
/// When an output cannot be put in place (or, worse, restored: the message
/// then names the files that could not be).
pub fn commit(mut staged: Vec<Staged>) -> Result<(), Error> {
    dedup(&mut staged)?;
    staged.sort_by_key(|s| match s.kind {
        Kind::Rename(_) => 0,
        Kind::InPlace { .. } => 1,
        Kind::Stream { .. } => 2,
    });
    let mut done: Vec<Undo> = Vec::with_capacity(staged.len());
    for s in staged {
        if let Err(e) = put(s, &mut done) {
            return Err(undo(done, e));
        }
    }
    Ok(())
}

/// Two outputs that end in the same file (a link and its target, a file
/// named twice) are written once; different texts for one file are an error.
fn dedup(staged: &mut Vec<Staged>) -> Result<(), Error> {
    let key = |s: &Staged| {
        let name = s.target.file_name().map(ToOwned::to_owned);
        let dir = s
            .target
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        fs::canonicalize(dir)
            .ok()
            .zip(name)
            .map_or_else(|| s.target.clone(), |(d, n)| d.join(n))
    };
    let mut seen: std::collections::HashMap<PathBuf, usize> = std::collections::HashMap::new();
    let mut keep = vec![true; staged.len()];
    for i in 0..staged.len() {
        let k = key(&staged[i]);
        if let Some(&first) = seen.get(&k) {
            if text_of(&staged[first]) != text_of(&staged[i]) {
                return Err(Error::Output {
                    action: OutputAction::Write,
                    path: staged[i].shown.clone(),
                    reason: format!(
                        "it is the same file as `{}`, with a different text",
                        staged[first].shown.display()
                    ),
                    help: Some("give each output its own file".to_owned()),
                });
            }
            keep[i] = false;
        } else {
            seen.insert(k, i);
        }
    }
    let mut keep = keep.into_iter();
    staged.retain(|_| keep.next().unwrap_or(true));
    Ok(())
}

/// The staged text of an output.
fn text_of(s: &Staged) -> Option<Vec<u8>> {
    match &s.kind {
        Kind::Rename(temp) => fs::read(temp).ok(),
        Kind::InPlace { text, .. } | Kind::Stream { text } => Some(text.clone()),
    }
}

/// Puts one output in place, recording how to undo it.
fn put(s: Staged, done: &mut Vec<Undo>) -> Result<(), Error> {
    let Staged {
        shown,
        target,
        kind,
    } = s;
    match kind {
        Kind::Rename(temp) => {
            let old = old_text(&target);
            temp.persist(&target)
                .map_err(|e| write_error(OutputAction::Rename, &shown, &e.error))?;
            done.push(Undo { shown, target, old });
        }
        Kind::InPlace { text } => {
            let old = old_text(&target);
            let result = fs::OpenOptions::new()
                .write(true)
                .truncate(true)
                .open(&target)
                .and_then(|mut file| file.write_all(&text));
            // Recorded first: a write that failed halfway is undone too.
            done.push(Undo {
                shown: shown.clone(),
                target,
                old,
            });
            result.map_err(|e| write_error(OutputAction::Write, &shown, &e))?;
        }
        Kind::Stream { text } => {
            fs::OpenOptions::new()
                .write(true)
                .open(&target)
                .and_then(|mut f| f.write_all(&text))
                .map_err(|e| write_error(OutputAction::Write, &shown, &e))?;
        }
    }
    Ok(())
}

/// The text and permissions of a file about to be replaced (`None` if there
/// is none).
fn old_text(target: &Path) -> Option<(Vec<u8>, fs::Permissions)> {
    let meta = fs::metadata(target).ok()?;
    Some((fs::read(target).ok()?, meta.permissions()))
}

/// Undoes the replacements made, last first, and returns the error that
/// stopped the commit (with the files that could not be restored, if any).
fn undo(done: Vec<Undo>, error: Error) -> Error {
    let mut lost = Vec::new();
    for u in done.into_iter().rev() {
        let restored = match &u.old {
            None => fs::remove_file(&u.target),
            Some((bytes, permissions)) => restore(&u.target, bytes, permissions),
        };
        if restored.is_err() {
            lost.push(u.shown.display().to_string());
        }
    }
    if lost.is_empty() {
        return error;
    }
    match error {
        Error::Output {
            action,
            path,
            reason,
            ..
        } => Error::Output {
            action,
            path,
            reason,
            help: Some(format!(
                "these files were replaced and could not be restored: {}",
                lost.join(", ")
            )),
        },
        other => other,
    }
}

/// Puts back the old text of a replaced file: in place if it has other hard
/// links (its inode was kept), else through a temporary file and a rename.
fn restore(target: &Path, bytes: &[u8], permissions: &fs::Permissions) -> std::io::Result<()> {
    if fs::metadata(target).is_ok_and(|m| hard_links(&m) > 1) {
        let mut file = fs::OpenOptions::new().write(true).open(target)?;
        file.set_len(0)?;
        return file.write_all(bytes);
    }
    let dir = target
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut temp = tempfile::Builder::new()
        .prefix(".procflow-")
        .tempfile_in(dir)?;
    temp.write_all(bytes)?;
    temp.as_file().set_permissions(permissions.clone())?;
    temp.persist(target).map(drop).map_err(|e| e.error)
}

/// `path` with every symbolic link followed to the final target, which may
/// not exist yet (a dangling link creates its target, as a shell's `>` does).
fn resolve(path: &Path) -> Result<PathBuf, Error> {
    let mut current = path.to_path_buf();
    for _ in 0..MAX_LINKS {
        match fs::symlink_metadata(&current) {
            Ok(meta) if meta.file_type().is_symlink() => {
                let link = fs::read_link(&current)
                    .map_err(|e| write_error(OutputAction::Write, path, &e))?;
                current = match current.parent() {
                    Some(dir) if link.is_relative() => dir.join(link),
                    _ => link,
                };
            }
            _ => return Ok(current),
        }
    }
    Err(Error::Output {
        action: OutputAction::Write,
        path: path.to_path_buf(),
        reason: format!("more than {MAX_LINKS} symbolic links in a row (a loop?)"),
        help: Some("point the link at a file".to_owned()),
    })
}

/// How many hard links a file has (1 where the system cannot say).
fn hard_links(meta: &fs::Metadata) -> u64 {
    #[cfg(unix)]
    {
        std::os::unix::fs::MetadataExt::nlink(meta)
    }
    #[cfg(not(unix))]
    {
        let _ = meta;
        1
    }
}

/// An error about an output, with the system's reason stripped of the
/// temporary file's name (which means nothing to the user).
fn write_error(action: OutputAction, path: &Path, e: &std::io::Error) -> Error {
    // tempfile adds ` at path "…/.procflow-XXXX"` to the system's message.
    let mut reason = e.to_string();
    if let Some(at) = reason.find(" at path \"") {
        reason.truncate(at);
    }
    let help = match e.kind() {
        std::io::ErrorKind::PermissionDenied => "check that you may write in its folder",
        _ => "check the path, its folder and the free space",
    };
    Error::Output {
        action,
        path: path.to_path_buf(),
        reason,
        help: Some(help.to_owned()),
    }
}

/// The folder an output goes in is missing (or is not a folder).
fn folder_error(path: &Path, reason: String) -> Error {
    Error::Output {
        action: OutputAction::Write,
        path: path.to_path_buf(),
        reason,
        help: Some("create the folder first (`--out-dir DIR` creates DIR)".to_owned()),
    }
}

/// Creates the output folder of `--out-dir` (and its parents).
///
/// # Errors
/// When it cannot be created.
pub fn create_folder(dir: &Path) -> Result<(), Error> {
    fs::create_dir_all(dir).map_err(|e| write_error(OutputAction::CreateFolder, dir, &e))
}

/// The file that marks a folder as written whole by procflow (`--emit
/// handbook`): only such a folder, an empty one or a missing one is replaced.
pub const SITE_MARKER: &str = ".procflow-site";

/// A folder staged whole: its files written into a temporary folder beside
/// the destination, ready to be put in place by [`commit_folder`].
pub struct StagedFolder {
    /// The folder as given (for messages).
    shown: PathBuf,
    /// Where it goes: `shown` with every symbolic link followed.
    target: PathBuf,
    /// The temporary folder holding the new files.
    temp: tempfile::TempDir,
}

/// Writes `files` (paths relative to the folder, `/`-separated, and their
/// bytes) into a new temporary folder beside `dir`, plus [`SITE_MARKER`].
/// Nothing of `dir` is touched yet.
///
/// # Errors
/// When `dir` is a file, or a folder with files procflow did not write (no
/// [`SITE_MARKER`]), or the temporary folder cannot be written.
pub fn stage_folder(dir: &Path, files: &[(String, Vec<u8>)]) -> Result<StagedFolder, Error> {
    let fail = |reason: &std::io::Error| write_error(OutputAction::Write, dir, reason);
    let target = resolve(dir)?;
    let old = match fs::metadata(&target) {
        Ok(meta) if meta.is_dir() => Some(meta),
        Ok(_) => {
            return Err(Error::Output {
                action: OutputAction::Write,
                path: dir.to_path_buf(),
                reason: "it is a file, not a folder".to_owned(),
                help: Some("give `--out-dir` a folder (it is created if missing)".to_owned()),
            });
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(fail(&e)),
    };
    if old.is_some() && !target.join(SITE_MARKER).is_file() {
        let mut entries = fs::read_dir(&target).map_err(|e| fail(&e))?;
        if entries.next().is_some() {
            return Err(Error::Output {
                action: OutputAction::Write,
                path: dir.to_path_buf(),
                reason: "the folder holds files that procflow did not write, and the whole folder would be replaced".to_owned(),
                help: Some("give `--out-dir` a new or empty folder (or one procflow wrote before)".to_owned()),
            });
        }
    }
    let parent = target
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    fs::create_dir_all(parent).map_err(|e| write_error(OutputAction::CreateFolder, parent, &e))?;
    let temp = tempfile::Builder::new()
        .prefix(".procflow-")
        .tempdir_in(parent)
        .map_err(|e| fail(&e))?;
    // tempfile makes the folder private; a site is for reading.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = old
            .as_ref()
            .map_or(0o755, |m| m.permissions().mode() & 0o7777);
        fs::set_permissions(temp.path(), fs::Permissions::from_mode(mode)).map_err(|e| fail(&e))?;
    }
    fs::write(
        temp.path().join(SITE_MARKER),
        "written by procflow: the whole folder is replaced on each build\n",
    )
    .map_err(|e| fail(&e))?;
    // The folders first, then the files on all cores (hundreds of pages).
    let mut folders: Vec<&Path> = files
        .iter()
        .filter_map(|(name, _)| Path::new(name).parent())
        .filter(|p| !p.as_os_str().is_empty())
        .collect();
    folders.sort();
    folders.dedup();
    for folder in folders {
        fs::create_dir_all(temp.path().join(folder)).map_err(|e| fail(&e))?;
    }
    let threads = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
    let chunk = files.len().div_ceil(threads).max(1);
    let root = temp.path();
    std::thread::scope(|scope| {
        let writers: Vec<_> = files
            .chunks(chunk)
            .map(|part| {
                scope.spawn(move || {
                    part.iter()
                        .try_for_each(|(name, bytes)| fs::write(root.join(name), bytes))
                })
            })
            .collect();
        writers
            .into_iter()
            .try_for_each(|w| w.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
    })
    .map_err(|e| fail(&e))?;
    Ok(StagedFolder {
        shown: dir.to_path_buf(),
        target,
        temp,
    })
}

/// Puts a staged folder in place: a rename when the destination is new; an
/// atomic exchange of the two folders where the system has one (Linux), or
/// two renames (the old folder aside, the new one in), otherwise. The old
/// folder is then deleted. Readers see the old site or the new one whole.
///
/// # Errors
/// When the folder cannot be put in place (the old one is then left as it was).
pub fn commit_folder(staged: StagedFolder) -> Result<(), Error> {
    commit_folder_by(staged, exchange)
}

/// [`commit_folder`] with the given atomic exchange (which the tests make
/// fail, to take the way of two renames).
fn commit_folder_by(
    staged: StagedFolder,
    exchange: fn(&Path, &Path) -> std::io::Result<()>,
) -> Result<(), Error> {
    let StagedFolder {
        shown,
        target,
        temp,
    } = staged;
    let fail = |e: &std::io::Error| write_error(OutputAction::Rename, &shown, e);
    if fs::symlink_metadata(&target).is_err() {
        let new = temp.keep();
        return fs::rename(&new, &target).map_err(|e| {
            let _ = fs::remove_dir_all(&new);
            fail(&e)
        });
    }
    if exchange(temp.path(), &target).is_ok() {
        // `temp` now holds the old site.
        remove_folder(&temp.keep());
        return Ok(());
    }
    let parent = temp.path().parent().unwrap_or(Path::new(".")).to_path_buf();
    let aside = tempfile::Builder::new()
        .prefix(".procflow-old-")
        .tempdir_in(&parent)
        .map_err(|e| fail(&e))?;
    let aside_path = aside.path().join("site");
    fs::rename(&target, &aside_path).map_err(|e| fail(&e))?;
    if let Err(e) = fs::rename(temp.path(), &target) {
        let _ = fs::rename(&aside_path, &target);
        return Err(fail(&e));
    }
    // The new folder is in place; `temp`'s path is gone.
    let _ = temp.keep();
    let aside = aside.keep();
    remove_folder(&aside_path);
    let _ = fs::remove_dir(&aside);
    Ok(())
}

/// Deletes a folder that is no longer needed (an old site), its subfolders
/// on threads of their own; what cannot be deleted is left (the new site is
/// in place already).
fn remove_folder(dir: &Path) {
    let subfolders: Vec<PathBuf> = fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
                .map(|e| e.path())
                .collect()
        })
        .unwrap_or_default();
    std::thread::scope(|scope| {
        for sub in &subfolders {
            scope.spawn(move || fs::remove_dir_all(sub));
        }
    });
    let _ = fs::remove_dir_all(dir);
}

/// Swaps two paths atomically (Linux `renameat2(RENAME_EXCHANGE)`, called
/// through `syscall` so that old C libraries without its wrapper link too).
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> std::io::Result<()> {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt as _;
    let a = CString::new(a.as_os_str().as_bytes()).map_err(std::io::Error::other)?;
    let b = CString::new(b.as_os_str().as_bytes()).map_err(std::io::Error::other)?;
    // SAFETY: both are valid NUL-terminated paths that outlive the call.
    let rc = unsafe {
        libc::syscall(
            libc::SYS_renameat2,
            libc::AT_FDCWD,
            a.as_ptr(),
            libc::AT_FDCWD,
            b.as_ptr(),
            libc::RENAME_EXCHANGE,
        )
    };
    if rc == 0 {
        Ok(())
    } else {
        Err(std::io::Error::last_os_error())
    }
}

/// No atomic exchange here: [`commit_folder`] renames twice.
#[cfg(not(target_os = "linux"))]
fn exchange(_a: &Path, _b: &Path) -> std::io::Result<()> {
    Err(std::io::Error::from(std::io::ErrorKind::Unsupported))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    /// A rename that fails after every output was staged (here: a folder put
    /// where an output goes, between staging and committing) undoes the
    /// renames already made: the old file is back, the new one is gone.
    #[test]
    fn a_rename_failing_midway_undoes_the_others() {
        let dir = tempfile::TempDir::new().unwrap();
        let a = dir.path().join("a.txt");
        let b = dir.path().join("b.txt");
        let c = dir.path().join("c.txt");
        fs::write(&a, "old a").unwrap();
        let staged = vec![
            stage(&a, "new a").unwrap().unwrap(),
            stage(&b, "new b").unwrap().unwrap(),
            stage(&c, "new c").unwrap().unwrap(),
        ];
        fs::create_dir(&c).unwrap();
        fs::write(c.join("inside"), "").unwrap();
        let err = commit(staged).unwrap_err();
        assert!(
            err.to_string().starts_with("cannot rename the new file"),
            "{err}"
        );
        assert_eq!(fs::read_to_string(&a).unwrap(), "old a");
        assert!(!b.exists());
        let mut names: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        names.sort();
        assert_eq!(names, ["a.txt", "c.txt"], "no temporary file left");
    }

    /// A site replaces the one before it whole, by an atomic exchange or by
    /// two renames, and leaves nothing beside it; a folder of other files is
    /// refused.
    #[test]
    fn a_staged_folder_replaces_the_old_one_whole() {
        let dir = tempfile::TempDir::new().unwrap();
        let site = dir.path().join("site");
        let files = |text: &str| {
            vec![
                ("index.html".to_owned(), text.as_bytes().to_vec()),
                ("roles/a.html".to_owned(), text.as_bytes().to_vec()),
            ]
        };
        commit_folder(stage_folder(&site, &files("one")).unwrap()).unwrap();
        assert_eq!(
            fs::read_to_string(site.join("roles/a.html")).unwrap(),
            "one"
        );
        fs::write(site.join("roles/stale.html"), "old").unwrap();
        commit_folder(stage_folder(&site, &files("two")).unwrap()).unwrap();
        assert_eq!(fs::read_to_string(site.join("index.html")).unwrap(), "two");
        assert!(!site.join("roles/stale.html").exists());
        let refuse = |_: &Path, _: &Path| Err(std::io::Error::other("no exchange"));
        commit_folder_by(stage_folder(&site, &files("three")).unwrap(), refuse).unwrap();
        assert_eq!(
            fs::read_to_string(site.join("roles/a.html")).unwrap(),
            "three"
        );
        let beside: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        assert_eq!(beside, ["site"]);
        let mine = dir.path().join("mine");
        fs::create_dir(&mine).unwrap();
        fs::write(mine.join("notes.txt"), "keep").unwrap();
        assert!(stage_folder(&mine, &files("x")).is_err());
        assert_eq!(fs::read_to_string(mine.join("notes.txt")).unwrap(), "keep");
    }

    /// The same for a hard-linked file written in place: it gets its old text
    /// back, and keeps its links.
    #[cfg(target_os = "linux")]
    #[test]
    fn an_in_place_write_is_undone_too() {
        let dir = tempfile::TempDir::new().unwrap();
        let a = dir.path().join("a.txt");
        let twin = dir.path().join("twin.txt");
        let c = dir.path().join("c.txt");
        fs::write(&a, "old a").unwrap();
        fs::hard_link(&a, &twin).unwrap();
        // In-place writes come after renames: make the last output a device
        // that refuses writes.
        std::os::unix::fs::symlink("/dev/full", &c).unwrap();
        let staged = vec![
            stage(&a, "new a").unwrap().unwrap(),
            stage(&c, "x").unwrap().unwrap(),
        ];
        assert!(commit(staged).is_err());
        assert_eq!(fs::read_to_string(&twin).unwrap(), "old a");
        assert_eq!(hard_links(&fs::metadata(&a).unwrap()), 2);
    }
}
