//! A parallel map over a slice on all cores, results in input order. Small on
//! purpose: the work items (files, workflows) are few and coarse, so a
//! shared counter hands them out; no thread pool is kept.

use std::sync::atomic::{AtomicUsize, Ordering};

/// `items.iter().map(f).collect()`, computed on up to `available_parallelism`
/// threads. A panic in `f` propagates (a bug, like in a sequential map).
pub fn map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let threads = std::thread::available_parallelism()
        .map_or(1, std::num::NonZero::get)
        .min(items.len());
    if threads <= 1 {
        return items.iter().map(f).collect();
    }
    let next = AtomicUsize::new(0);
    let mut done: Vec<(usize, R)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(|| {
                    let mut mine = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(item) = items.get(i) else { break };
                        mine.push((i, f(item)));
                    }
                    mine
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| {
                h.join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
            .collect()
    });
    done.sort_by_key(|(i, _)| *i);
    done.into_iter().map(|(_, r)| r).collect()
}

/// Workflow steps from which per-workflow work (resolution, lints) is worth
/// spreading over threads; below it, starting threads costs more than it saves.
pub const PARALLEL_STEPS: usize = 2000;

/// [`map`] when `steps` (the work the items stand for) reaches
/// [`PARALLEL_STEPS`], a plain sequential map otherwise.
pub fn map_steps<T: Sync, R: Send>(
    items: &[T],
    steps: usize,
    f: impl Fn(&T) -> R + Sync,
) -> Vec<R> {
    if steps >= PARALLEL_STEPS {
        map(items, f)
    } else {
        items.iter().map(f).collect()
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn keeps_the_order() {
        let items: Vec<u32> = (0..1000).collect();
        assert_eq!(
            super::map(&items, |x| x * 2),
            items.iter().map(|x| x * 2).collect::<Vec<_>>()
        );
        assert!(super::map(&[] as &[u32], |x| *x).is_empty());
    }
}
