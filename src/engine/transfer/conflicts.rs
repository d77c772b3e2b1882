//! Existing-target questions (`Event::Conflict`). They are put to the user
//! one at a time, in the order the jobs were planned, so that an answer
//! given "for all" settles the questions of the same batch still queued
//! behind it without asking them. A question whose job went away (cancelled,
//! or failed on a change of server) is passed over.
//!
//! Which jobs wait for an answer is the job table's to say: the methods
//! here take it as `waiting(id)`, the batch of a job that still waits.

use std::collections::{HashMap, VecDeque};

use super::job::Job;
use crate::engine::protocol::{AskId, BatchId, Event, FileFacts, OnExisting, TransferId};

#[derive(Default)]
pub struct Conflicts {
    /// Jobs waiting for an answer, not yet asked, in order.
    queue: VecDeque<TransferId>,
    /// The question the user has before them.
    asking: Option<(AskId, TransferId)>,
    next_ask: u64,
    /// "Apply to all in this batch".
    for_all: HashMap<BatchId, OnExisting>,
}

/// What to do next about the questions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Next {
    /// Put this question to the user (`question` words it).
    Ask(AskId, TransferId),
    /// Already answered for its whole batch: apply this choice.
    Apply(TransferId, OnExisting),
    /// A question is out, or none is left.
    Wait,
}

/// What a choice means for the job.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Leave the target alone: the job is skipped, for this reason.
    Skip(&'static str),
    /// Transfer, treating the existing target this way.
    Transfer(OnExisting),
}

impl Conflicts {
    /// A job that waits for an answer joins the end of the line.
    pub fn queue(&mut self, id: TransferId) {
        self.queue.push_back(id);
    }

    /// The next step: nothing while the user has a question before them
    /// (unless its job no longer waits), else the next job still waiting,
    /// answered already if its batch has an answer for all.
    pub fn next(&mut self, waiting: impl Fn(TransferId) -> Option<BatchId>) -> Next {
        if let Some((_, id)) = self.asking {
            if waiting(id).is_some() {
                return Next::Wait;
            }
            self.asking = None;
        }
        while let Some(id) = self.queue.pop_front() {
            let Some(batch) = waiting(id) else {
                continue;
            };
            if let Some(&choice) = self.for_all.get(&batch) {
                return Next::Apply(id, choice);
            }
            self.next_ask += 1;
            let ask = AskId(self.next_ask);
            self.asking = Some((ask, id));
            return Next::Ask(ask, id);
        }
        Next::Wait
    }

    /// The user answered `ask`. Returns the job it settles: None for an
    /// answer to a question no longer out (an old one, or its job went
    /// away). With `for_all`, the rest of that batch gets the same choice.
    pub fn answer(
        &mut self,
        ask: AskId,
        choice: OnExisting,
        for_all: bool,
        waiting: impl Fn(TransferId) -> Option<BatchId>,
    ) -> Option<TransferId> {
        let (current, id) = self.asking?;
        if current != ask {
            return None;
        }
        self.asking = None;
        let batch = waiting(id)?;
        if for_all {
            self.for_all.insert(batch, choice);
        }
        Some(id)
    }
}

/// What the user's choice does to the job.
pub fn decide(choice: OnExisting) -> Decision {
    match choice {
        OnExisting::Skip => Decision::Skip("the target exists"),
        // Asking again would loop: treat it as keeping the target.
        OnExisting::Ask => Decision::Skip("no answer"),
        other => Decision::Transfer(other),
    }
}

/// The question about `job`, as the UI shows it: both sides of the file.
pub fn question(ask: AskId, job: &Job) -> Event {
    Event::Conflict {
        ask,
        id: job.id,
        name: job.display.clone(),
        source: FileFacts {
            size: job.size,
            modified: job.modified,
        },
        target: job.existing.clone().unwrap_or(FileFacts {
            size: None,
            modified: None,
        }),
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    /// The jobs that wait for an answer, with their batches.
    struct Waiting(HashMap<TransferId, BatchId>);

    impl Waiting {
        fn new(jobs: &[(u64, u64)]) -> Waiting {
            Waiting(
                jobs.iter()
                    .map(|&(id, batch)| (TransferId(id), BatchId(batch)))
                    .collect(),
            )
        }

        fn of(&self) -> impl Fn(TransferId) -> Option<BatchId> + '_ {
            |id| self.0.get(&id).copied()
        }

        fn settle(&mut self, id: TransferId) {
            self.0.remove(&id);
        }
    }

    fn queued(ids: &[u64]) -> Conflicts {
        let mut c = Conflicts::default();
        for &id in ids {
            c.queue(TransferId(id));
        }
        c
    }

    #[test]
    fn one_question_at_a_time_in_order() {
        let mut waiting = Waiting::new(&[(1, 1), (2, 1)]);
        let mut c = queued(&[1, 2]);
        let Next::Ask(first, TransferId(1)) = c.next(waiting.of()) else {
            panic!("job 1 first")
        };
        assert_eq!(c.next(waiting.of()), Next::Wait, "one at a time");
        assert_eq!(
            c.answer(first, OnExisting::Overwrite, false, waiting.of()),
            Some(TransferId(1))
        );
        waiting.settle(TransferId(1));
        let Next::Ask(second, TransferId(2)) = c.next(waiting.of()) else {
            panic!("then job 2")
        };
        assert_ne!(first, second);
        assert_eq!(
            c.answer(first, OnExisting::Skip, false, waiting.of()),
            None,
            "an old question's answer counts for nothing"
        );
    }

    #[test]
    fn an_answer_for_all_settles_the_rest_of_its_batch_only() {
        let mut waiting = Waiting::new(&[(1, 1), (2, 2), (3, 1), (4, 1)]);
        let mut c = queued(&[1, 2, 3, 4]);
        let Next::Ask(ask, id) = c.next(waiting.of()) else {
            panic!("asks")
        };
        assert_eq!(
            c.answer(ask, OnExisting::Rename, true, waiting.of()),
            Some(id)
        );
        waiting.settle(id);
        // Job 2 is of another batch: asked.
        let Next::Ask(ask, TransferId(2)) = c.next(waiting.of()) else {
            panic!("job 2 is asked")
        };
        assert_eq!(
            c.answer(ask, OnExisting::Skip, false, waiting.of()),
            Some(TransferId(2))
        );
        waiting.settle(TransferId(2));
        assert_eq!(
            c.next(waiting.of()),
            Next::Apply(TransferId(3), OnExisting::Rename)
        );
        waiting.settle(TransferId(3));
        assert_eq!(
            c.next(waiting.of()),
            Next::Apply(TransferId(4), OnExisting::Rename)
        );
        waiting.settle(TransferId(4));
        assert_eq!(c.next(waiting.of()), Next::Wait);
    }

    #[test]
    fn a_question_whose_job_went_away_gives_way_to_the_next() {
        let mut waiting = Waiting::new(&[(1, 1), (2, 1), (3, 1)]);
        let mut c = queued(&[1, 2, 3]);
        let Next::Ask(ask, TransferId(1)) = c.next(waiting.of()) else {
            panic!("asks job 1")
        };
        // Job 1 (being asked) and job 2 (queued) are cancelled.
        waiting.settle(TransferId(1));
        waiting.settle(TransferId(2));
        let Next::Ask(_, TransferId(3)) = c.next(waiting.of()) else {
            panic!("job 3 is asked next")
        };
        assert_eq!(
            c.answer(ask, OnExisting::Overwrite, true, waiting.of()),
            None,
            "the cancelled job's question is over"
        );
    }

    #[test]
    fn choices_decide_between_skipping_and_transferring() {
        assert_eq!(
            decide(OnExisting::Skip),
            Decision::Skip("the target exists")
        );
        assert_eq!(decide(OnExisting::Ask), Decision::Skip("no answer"));
        assert_eq!(
            decide(OnExisting::Resume),
            Decision::Transfer(OnExisting::Resume)
        );
    }
}
