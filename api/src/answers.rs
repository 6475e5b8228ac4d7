//! Evaluated gap answers kept while the data has not changed.
//!
//! A heatmap asks the same `gapMatrix` again and again, a dashboard the same scorecards, a
//! researcher the same list of gaps page after page, and each answer changes only when a
//! published write moves the data version (or the day changes, for the default `asOf`). So
//! public answers are kept, keyed by the question (for example states, kinds, `asOf`,
//! admissibility) and the data version read from the database, which every process agrees on:
//! a write through any process makes every process's old entries unreachable. Only the public
//! view is kept (editors and contributors see drafts, which have no data version). Each kind
//! of answer has its own bounded map, sized by how large one answer is: past its capacity the
//! oldest entry goes.

use crate::error::Result;
use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};

/// Answers kept per process and per kind of answer, unless [`Answers::with_capacity`] says
/// otherwise.
pub const CAPACITY: usize = 64;

/// The question and the data version it was answered at.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Key {
    pub question: String,
    pub data_version: i64,
}

/// The kept answers, and their keys oldest first.
type Kept<T> = (HashMap<Key, Arc<T>>, VecDeque<Key>);

impl Key {
    /// `question` asked at `data_version`.
    pub fn new(question: impl Into<String>, data_version: i64) -> Key {
        Key {
            question: question.into(),
            data_version,
        }
    }
}

/// A bounded map from questions to shared answers of type `T`.
pub struct Answers<T> {
    inner: Mutex<Kept<T>>,
    capacity: usize,
    /// The `kind` label of this map's hits and misses in `/metrics`.
    kind: &'static str,
}

impl<T> Default for Answers<T> {
    fn default() -> Self {
        Answers::with_capacity(CAPACITY)
    }
}

impl<T> Answers<T> {
    /// An empty map that keeps at most `capacity` answers (small answers such as a scorecard
    /// can be kept by the hundred; a full gap matrix weighs megabytes).
    pub fn with_capacity(capacity: usize) -> Self {
        Answers {
            inner: Mutex::new((HashMap::new(), VecDeque::new())),
            capacity: capacity.max(1),
            kind: "other",
        }
    }

    /// The same map, counted under `kind` in `normwatch_kept_answers_total` (so an operator can
    /// see how often a question was answered without evaluating it).
    pub fn named(mut self, kind: &'static str) -> Self {
        self.kind = kind;
        self
    }

    /// The kept answer to `key`, or `compute`'s, which is then kept. Without a key (a viewer
    /// who sees drafts) the answer is computed and not kept.
    pub async fn get_or_compute<F, Fut>(&self, key: Option<Key>, compute: F) -> Result<Arc<T>>
    where
        F: FnOnce() -> Fut,
        Fut: std::future::Future<Output = Result<T>>,
    {
        if let Some(kept) = key.as_ref().and_then(|k| self.get(k)) {
            return Ok(kept);
        }
        let answer = Arc::new(compute().await?);
        if let Some(key) = key {
            self.put(key, answer.clone());
        }
        Ok(answer)
    }

    /// The kept answer to `key`, if any (counted as a hit or a miss).
    pub fn get(&self, key: &Key) -> Option<Arc<T>> {
        let guard = self.inner.lock().ok()?;
        let kept = guard.0.get(key).cloned();
        let outcome = if kept.is_some() { "hit" } else { "miss" };
        crate::metrics::KEPT_ANSWERS
            .with_label_values(&[self.kind, outcome])
            .inc();
        kept
    }

    /// Keeps `answer` for `key`, dropping the oldest entry past the capacity and every entry of
    /// an older data version (they can never be asked for again).
    pub fn put(&self, key: Key, answer: Arc<T>) {
        let Ok(mut guard) = self.inner.lock() else {
            return;
        };
        let (map, order) = &mut *guard;
        map.retain(|k, _| k.data_version >= key.data_version);
        order.retain(|k| map.contains_key(k));
        if map.insert(key.clone(), answer).is_none() {
            order.push_back(key);
        }
        while order.len() > self.capacity {
            if let Some(old) = order.pop_front() {
                map.remove(&old);
            }
        }
    }

    /// How many answers are kept.
    pub fn len(&self) -> usize {
        self.inner.lock().map(|g| g.0.len()).unwrap_or(0)
    }

    /// Whether nothing is kept.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(q: &str, v: i64) -> Key {
        Key {
            question: q.into(),
            data_version: v,
        }
    }

    #[test]
    fn a_new_data_version_retires_older_answers_and_the_size_is_bounded() {
        let answers: Answers<u32> = Answers::default();
        answers.put(key("a", 1), Arc::new(1));
        assert_eq!(answers.get(&key("a", 1)).as_deref(), Some(&1));
        answers.put(key("b", 2), Arc::new(2));
        assert!(
            answers.get(&key("a", 1)).is_none(),
            "an older version stays"
        );
        for i in 0..(CAPACITY + 10) {
            answers.put(key(&format!("q{i}"), 2), Arc::new(i as u32));
        }
        assert_eq!(answers.len(), CAPACITY);
        assert!(answers.get(&key("q0", 2)).is_none());
        assert!(answers
            .get(&key(&format!("q{}", CAPACITY + 9), 2))
            .is_some());
    }
}
