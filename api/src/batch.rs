//! Batching without a clock: rows that arrive together are loaded onward together.
//!
//! A GraphQL request walks a tree: a page of 100 states, each with its commitments, each with
//! its instrument. Resolved naively that is one statement per node. A DataLoader gathers the
//! keys of one level by waiting a few milliseconds, which on a busy machine cuts a level into
//! several batches and always adds the wait. This module groups keys by *where they are in the
//! answer* instead, which needs no timer and gives the same statements however the request is
//! scheduled:
//!
//! 1. whoever returns rows *announces* their ids under their place in the response
//!    ([`Batches::announce`]), a path without list indices such as `states.nodes.commitments`:
//!    a connection its page, a relation every row it loaded for all its parents. The ids the
//!    rows point at are announced under the path and the column (`...commitments>instrument_id`).
//! 2. the first field that needs something for one of those ids (its commitments, the
//!    instrument it points at, its scorecard) runs the computation once for the whole group
//!    ([`Batches::run`]); its siblings, resolved concurrently or later, share that same run.
//!
//! By induction every place in the query holds one group, so each relation path costs one run
//! (one statement, two through a join table) for all the rows at that place, and the count is
//! the same on every run of the request. An id keeps the first group it was announced in at a
//! place; an id nobody announced is a group of its own. The answer never depends on grouping,
//! only the number of statements does. Everything lives in the request's data ([`Batches`] is
//! added to every request by [`crate::limits::CostExtension`]), so nothing is shared between
//! requests.

use crate::error::Result;
use std::any::Any;
use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex, PoisonError};
use tokio::sync::OnceCell;

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
    /// The group of each id at each place (a path, or a path and a column).
    groups: Mutex<HashMap<(String, i32), Group>>,
    /// The runs by computation, arguments and group (its address).
    runs: Mutex<HashMap<(&'static str, String, usize), Run>>,
}

impl Batches {
    /// Announces that `ids` were returned together at `place`: a computation any of them needs
    /// is run for all of them. Ids already in a group there keep it (their runs may have
    /// started); the others form the new group.
    pub fn announce(&self, place: &str, ids: impl IntoIterator<Item = i32>) {
        let mut groups = self.groups.lock().unwrap_or_else(PoisonError::into_inner);
        let mut fresh: Vec<i32> = ids
            .into_iter()
            .filter(|id| !groups.contains_key(&(place.to_owned(), *id)))
            .collect();
        fresh.sort_unstable();
        fresh.dedup();
        if fresh.is_empty() {
            return;
        }
        let group: Group = fresh.into();
        for &id in group.iter() {
            groups.insert((place.to_owned(), id), group.clone());
        }
    }

    /// The group `id` was announced in; an id never announced becomes a group of its own, so
    /// that asking for it twice shares one run too.
    fn group_of(&self, place: &str, id: i32) -> Group {
        self.groups
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .entry((place.to_owned(), id))
            .or_insert_with(|| Arc::from([id]))
            .clone()
    }

    /// Runs `compute` once for the group of `id` at `place`, the computation `what` and its arguments
    /// `args` (a key the caller builds from every argument that changes the result), and
    /// returns its shared result. Concurrent callers from the same group wait for the one run;
    /// if it fails, each caller gets the error of its own attempt. The result must cover every
    /// id of the group it was given; callers look up their own id in it.
    pub async fn run<T, F, Fut>(
        &self,
        place: &str,
        what: &'static str,
        args: String,
        id: i32,
        compute: F,
    ) -> Result<Arc<T>>
    where
        T: Send + Sync + 'static,
        F: FnOnce(Arc<[i32]>) -> Fut,
        Fut: Future<Output = Result<T>>,
    {
        let group = self.group_of(place, id);
        let key = (what, args, Arc::as_ptr(&group) as *const i32 as usize);
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

    const N: &str = "states.nodes";

    /// Squares every id of the group, counting the runs.
    async fn squares(batches: &Batches, runs: &AtomicUsize, id: i32) -> i32 {
        let all = batches
            .run(N, "squares", String::new(), id, |group| async move {
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
        batches.announce(N, [1, 2, 3, 4]);
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
    async fn a_sibling_asking_after_the_run_finished_reuses_it() {
        let (batches, runs) = (Batches::default(), AtomicUsize::new(0));
        batches.announce(N, [1, 2, 3]);
        assert_eq!(squares(&batches, &runs, 1).await, 1);
        assert_eq!(squares(&batches, &runs, 3).await, 9);
        assert_eq!(runs.load(Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn a_parent_never_announced_runs_alone_once() {
        let (batches, runs) = (Batches::default(), AtomicUsize::new(0));
        batches.announce(N, [1, 2]);
        assert_eq!(squares(&batches, &runs, 7).await, 49);
        assert_eq!(squares(&batches, &runs, 8).await, 64);
        assert_eq!(squares(&batches, &runs, 7).await, 49);
        assert_eq!(runs.load(Ordering::SeqCst), 2);
    }

    #[tokio::test]
    async fn an_id_keeps_its_first_group() {
        let (batches, runs) = (Batches::default(), AtomicUsize::new(0));
        batches.announce(N, [1, 2]);
        // The same rows reached again, with a new one: 1 and 2 stay where their run is.
        batches.announce(N, [2, 1, 3]);
        for id in [1, 2, 3] {
            squares(&batches, &runs, id).await;
        }
        assert_eq!(runs.load(Ordering::SeqCst), 2);
    }

    #[tokio::test]
    async fn different_computations_or_arguments_are_different_runs() {
        let (batches, runs) = (Batches::default(), AtomicUsize::new(0));
        batches.announce(N, [1, 2]);
        let runs = &runs;
        for (what, args) in [("a", "2020"), ("a", "2021"), ("a", "2020"), ("b", "2020")] {
            batches
                .run(N, what, args.to_string(), 1, |g| async move {
                    runs.fetch_add(1, Ordering::SeqCst);
                    Ok(g.len())
                })
                .await
                .expect("run");
        }
        assert_eq!(runs.load(Ordering::SeqCst), 3);
    }
}
