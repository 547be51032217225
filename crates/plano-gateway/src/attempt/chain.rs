//! One request's failover chain: position 0 is the (provider, model) the request resolved to,
//! then the static candidates of that provider's plan (minus any duplicate of position 0), with
//! each position's prefix group and whether it was tried yet.
//!
//! Built only on the retry path; a request without a plan never allocates one.

use plano_upstream::retry::select::ChainView;

use crate::failover::Failover;
use crate::state::Gateway;

pub(super) struct Chain<'a> {
    /// (provider index, model id sent upstream) per position.
    slots: Vec<(usize, &'a str)>,
    groups: Vec<u32>,
    tried: Vec<bool>,
}

impl<'a> Chain<'a> {
    pub fn new(gw: &Gateway, provider: usize, model: &'a str, failover: &'a Failover) -> Self {
        let mut slots = Vec::with_capacity(1 + failover.chain.len());
        slots.push((provider, model));
        slots.extend(
            failover
                .chain
                .iter()
                .filter(|c| !(c.provider == provider && *c.model == *model))
                .map(|c| (c.provider, &*c.model)),
        );
        let groups = slots
            .iter()
            .map(|&(p, _)| gw.groups.get(p).copied().unwrap_or(u32::MAX))
            .collect();
        let tried = vec![false; slots.len()];
        Chain {
            slots,
            groups,
            tried,
        }
    }

    pub fn len(&self) -> usize {
        self.slots.len()
    }

    /// (provider index, model) at a position.
    pub fn slot(&self, pos: usize) -> (usize, &'a str) {
        self.slots[pos]
    }

    pub fn mark_tried(&mut self, pos: usize) {
        if let Some(t) = self.tried.get_mut(pos) {
            *t = true;
        }
    }

    /// Drops a candidate that cannot take this request (its API cannot express it).
    pub fn remove(&mut self, pos: usize) {
        if pos < self.slots.len() {
            self.slots.remove(pos);
            self.groups.remove(pos);
            self.tried.remove(pos);
        }
    }

    pub fn view(&self) -> ChainView<'_> {
        ChainView {
            groups: &self.groups,
            tried: &self.tried,
        }
    }
}
