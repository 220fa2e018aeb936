//! The order of a workflow's steps: an executable order, and the cycles that
//! prevent one.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use petgraph::algo::tarjan_scc;
use petgraph::graph::DiGraph;

/// The order graph of one workflow, computed from each step's `after`.
#[derive(Debug, Clone, Default)]
pub struct Order {
    /// Step indices in an executable order: every step after all the steps it
    /// waits for; among steps ready together, the order written. Empty when the
    /// order has a cycle.
    pub sequence: Vec<usize>,
    /// Every cycle: the steps on it, in source order. Cycles are found as
    /// strongly connected components, so steps on interlocking cycles are named
    /// together.
    pub cycles: Vec<Vec<usize>>,
}

impl Order {
    /// Computes the order from `after[i]`, the steps step `i` waits for.
    #[must_use]
    pub fn compute(after: &[&[usize]]) -> Order {
        let n = after.len();
        let mut indegree = vec![0usize; n];
        let mut successors: Vec<Vec<usize>> = vec![Vec::new(); n];
        for (step, preds) in after.iter().enumerate() {
            for &p in *preds {
                successors[p].push(step);
                indegree[step] += 1;
            }
        }
        let mut ready: BinaryHeap<Reverse<usize>> =
            (0..n).filter(|&i| indegree[i] == 0).map(Reverse).collect();
        let mut sequence = Vec::with_capacity(n);
        while let Some(Reverse(step)) = ready.pop() {
            sequence.push(step);
            for &s in &successors[step] {
                indegree[s] -= 1;
                if indegree[s] == 0 {
                    ready.push(Reverse(s));
                }
            }
        }
        if sequence.len() == n {
            return Order {
                sequence,
                cycles: Vec::new(),
            };
        }
        let mut graph = DiGraph::<(), ()>::with_capacity(n, 0);
        let nodes: Vec<_> = (0..n).map(|_| graph.add_node(())).collect();
        for (step, preds) in after.iter().enumerate() {
            for &p in *preds {
                graph.add_edge(nodes[p], nodes[step], ());
            }
        }
        let mut cycles: Vec<Vec<usize>> = tarjan_scc(&graph)
            .into_iter()
            .map(|scc| {
                let mut steps: Vec<usize> = scc
                    .into_iter()
                    .map(petgraph::prelude::NodeIndex::index)
                    .collect();
                steps.sort_unstable();
                steps
            })
            .filter(|steps| steps.len() > 1 || after[steps[0]].contains(&steps[0]))
            .collect();
        cycles.sort();
        Order {
            sequence: Vec::new(),
            cycles,
        }
    }

    /// Whether the order has a cycle.
    #[must_use]
    pub fn is_cyclic(&self) -> bool {
        !self.cycles.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::Order;

    #[test]
    fn ties_keep_written_order() {
        // 0 → {1, 2} → 3, and 4 after 0.
        let after: Vec<&[usize]> = vec![&[], &[0], &[0], &[1, 2], &[0]];
        assert_eq!(Order::compute(&after).sequence, vec![0, 1, 2, 3, 4]);
        let after: Vec<&[usize]> = vec![&[], &[2], &[0]];
        assert_eq!(Order::compute(&after).sequence, vec![0, 2, 1]);
    }

    #[test]
    fn names_every_step_of_a_cycle() {
        let after: Vec<&[usize]> = vec![&[], &[3], &[1], &[2], &[4]];
        let order = Order::compute(&after);
        assert_eq!(order.cycles, vec![vec![1, 2, 3], vec![4]]);
        assert!(order.sequence.is_empty());
    }
}
