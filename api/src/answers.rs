//! Evaluated gap matrices kept while the data has not changed.
//!
//! A heatmap asks the same `gapMatrix` again and again, and the answer changes only when a
//! published write moves the data version (or the day changes, for the default `asOf`). So
//! public answers are kept, keyed by the question (states, kinds, `asOf`, admissibility) and
//! the data version read from the database, which every process agrees on: a write through
//! any process makes every process's old entries unreachable. Only the public view is kept
//! (editors and contributors see drafts, which have no data version). The cache is bounded:
//! past [`CAPACITY`] entries the oldest goes.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};

/// Answers kept per process.
pub const CAPACITY: usize = 64;

/// The question and the data version it was answered at.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Key {
    pub question: String,
    pub data_version: i64,
}

/// The kept answers, and their keys oldest first.
type Kept<T> = (HashMap<Key, Arc<T>>, VecDeque<Key>);

/// A bounded map from questions to shared answers of type `T`.
pub struct Answers<T> {
    inner: Mutex<Kept<T>>,
}

impl<T> Default for Answers<T> {
    fn default() -> Self {
        Answers {
            inner: Mutex::new((HashMap::new(), VecDeque::new())),
        }
    }
}

impl<T> Answers<T> {
    /// The kept answer to `key`, if any.
    pub fn get(&self, key: &Key) -> Option<Arc<T>> {
        let guard = self.inner.lock().ok()?;
        guard.0.get(key).cloned()
    }

    /// Keeps `answer` for `key`, dropping the oldest entry past [`CAPACITY`] and every entry of
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
        while order.len() > CAPACITY {
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
