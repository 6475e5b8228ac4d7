//! Batching of per-parent computations without a clock.
//!
//! Some fields run a whole computation per parent: `State.scorecard` runs the gap engine for
//! one state, `Provision.gaps` for one provision. Asked for every state of a page, that is one
//! engine run (and its statements) per state, and the runs compete for the connection pool
//! with every other request. A DataLoader would gather the keys by waiting a few milliseconds;
//! this waits for nothing:
//!
//! 1. the resolver that returns the page *announces* its ids ([`Batches::announce`]);
//! 2. the first child field that needs the computation runs it once for the whole announced
//!    group ([`Batches::run`]), and its siblings, resolved concurrently, await that same run.
//!
//! A parent that was never announced (reached through `node`, or a relation list that does not
//! announce) is its own group of one, so the answer never depends on batching, only the number
//! of statements does. The state lives in the request's data ([`Batches`] is added to every
//! request by [`crate::limits::CostExtension`]), so nothing is shared between requests.

use crate::error::Result;
use std::any::Any;
use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex, PoisonError};
use tokio::sync::OnceCell;

/// Which kind of parent a group holds (`"state"`, `"provision"`): ids are unique per table only.
pub type Kind = &'static str;

type Group = Arc<[i32]>;
type Shared = Arc<dyn Any + Send + Sync>;

/// One computation over one group with one set of arguments. The group is kept with its run so
/// that its allocation (whose address is part of the key) lives as long as the request.
struct Run {
    _group: Group,
    cell: Arc<OnceCell<Shared>>,
}

/// The request's announced groups and the computations run over them.
#[derive(Default)]
pub struct Batches {
    groups: Mutex<HashMap<(Kind, i32), Group>>,
    runs: Mutex<HashMap<(Kind, String, usize), Run>>,
}

impl Batches {
    /// Announces that `ids` were returned together: a computation any of them needs is run for
    /// all of them. A later announcement that includes an id replaces its group for the runs
    /// that start after it.
    pub fn announce(&self, kind: Kind, ids: impl IntoIterator<Item = i32>) {
        let group: Group = ids.into_iter().collect();
        if group.len() < 2 {
            return;
        }
        let mut groups = self.groups.lock().unwrap_or_else(PoisonError::into_inner);
        for &id in group.iter() {
            groups.insert((kind, id), group.clone());
        }
    }

    /// The group `id` was announced in, or `[id]` alone.
    fn group_of(&self, kind: Kind, id: i32) -> Group {
        self.groups
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&(kind, id))
            .cloned()
            .unwrap_or_else(|| Arc::from([id]))
    }

    /// Runs `compute` once for the group of `id` and the arguments `args` (a key the caller
    /// builds from every argument that changes the result), and returns its shared result.
    /// Concurrent callers from the same group wait for the one run; if it fails, each caller
    /// gets the error of its own attempt. The result must cover every id of the group it was
    /// given; callers look up their own id in it.
    pub async fn run<T, F, Fut>(
        &self,
        kind: Kind,
        args: String,
        id: i32,
        compute: F,
    ) -> Result<Arc<T>>
    where
        T: Send + Sync + 'static,
        F: FnOnce(Arc<[i32]>) -> Fut,
        Fut: Future<Output = Result<T>>,
    {
        let group = self.group_of(kind, id);
        let key = (kind, args, Arc::as_ptr(&group) as *const i32 as usize);
        let cell = {
            let mut runs = self.runs.lock().unwrap_or_else(PoisonError::into_inner);
            runs.entry(key)
                .or_insert_with(|| Run {
                    _group: group.clone(),
                    cell: Arc::new(OnceCell::new()),
                })
                .cell
                .clone()
        };
        let shared = cell
            .get_or_try_init(|| async move {
                let value: Shared = Arc::new(compute(group).await?);
                Ok::<_, crate::Error>(value)
            })
            .await?
            .clone();
        shared.downcast::<T>().map_err(|_| {
            crate::Error::Internal("a batched computation changed its result type".into())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// Squares every id of the group, counting the runs.
    async fn squares(batches: &Batches, runs: &AtomicUsize, id: i32) -> i32 {
        let all = batches
            .run("n", String::new(), id, |group| async move {
                runs.fetch_add(1, Ordering::SeqCst);
                Ok(group.iter().map(|&i| (i, i * i)).collect::<HashMap<_, _>>())
            })
            .await
            .expect("run");
        all[&id]
    }

    #[tokio::test]
    async fn siblings_of_an_announced_page_share_one_run() {
        let (batches, runs) = (Batches::default(), AtomicUsize::new(0));
        batches.announce("n", [1, 2, 3, 4]);
        let answers = tokio::join!(
            squares(&batches, &runs, 1),
            squares(&batches, &runs, 2),
            squares(&batches, &runs, 3),
            squares(&batches, &runs, 4)
        );
        assert_eq!(answers, (1, 4, 9, 16));
        assert_eq!(runs.load(Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn a_parent_never_announced_runs_alone() {
        let (batches, runs) = (Batches::default(), AtomicUsize::new(0));
        batches.announce("n", [1, 2]);
        assert_eq!(squares(&batches, &runs, 7).await, 49);
        assert_eq!(squares(&batches, &runs, 8).await, 64);
        assert_eq!(runs.load(Ordering::SeqCst), 2);
    }

    #[tokio::test]
    async fn different_arguments_are_different_runs() {
        let (batches, runs) = (Batches::default(), AtomicUsize::new(0));
        batches.announce("n", [1, 2]);
        let runs = &runs;
        for args in ["2020-01-01", "2021-01-01", "2020-01-01"] {
            batches
                .run("n", args.to_string(), 1, |g| async move {
                    runs.fetch_add(1, Ordering::SeqCst);
                    Ok(g.len())
                })
                .await
                .expect("run");
        }
        assert_eq!(runs.load(Ordering::SeqCst), 2);
    }
}
