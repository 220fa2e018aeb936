//! BPMNDI layout: a layered grid. The order gives the columns (each node one
//! column right of the furthest node before it), the lanes give the rows, and
//! nodes that share a lane and a column take sub-rows of it, so no two shapes
//! overlap. Sequence flows are drawn with right angles; a flow that skips a
//! step or loops back runs under the shapes it passes.

use super::graph::{Graph, NodeKind};

/// A rectangle: x, y, width, height.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bounds {
    /// Left.
    pub x: i64,
    /// Top.
    pub y: i64,
    /// Width.
    pub w: i64,
    /// Height.
    pub h: i64,
}

impl Bounds {
    fn centered(cx: i64, cy: i64, w: i64, h: i64) -> Self {
        Bounds {
            x: cx - w / 2,
            y: cy - h / 2,
            w,
            h,
        }
    }
    fn cx(&self) -> i64 {
        self.x + self.w / 2
    }
    fn cy(&self) -> i64 {
        self.y + self.h / 2
    }
}

/// Where everything is drawn.
#[derive(Debug, Clone)]
pub struct Layout {
    /// The pool (participant).
    pub pool: Bounds,
    /// Each lane, as in [`Graph::lanes`].
    pub lanes: Vec<Bounds>,
    /// Each node, as in [`Graph::nodes`].
    pub nodes: Vec<Bounds>,
    /// Each data object reference, as in [`Graph::data`].
    pub data: Vec<Bounds>,
    /// The waypoints of each sequence flow, as in [`Graph::flows`].
    pub flows: Vec<Vec<(i64, i64)>>,
    /// The waypoints of each data association, as in [`Graph::associations`].
    pub associations: Vec<Vec<(i64, i64)>>,
    /// Where a node's label goes, where it is not the modeler's default
    /// (a named gateway's, above it: the flows that skip or loop run under
    /// it).
    pub node_labels: Vec<Option<Bounds>>,
    /// Where a flow's label goes, where it is not the modeler's default
    /// (under the long segment of a flow that skips or loops back).
    pub flow_labels: Vec<Option<Bounds>>,
}

const MARGIN: i64 = 20;
/// The pool's name band, then each lane's.
const LABEL_BAND: i64 = 30;
const COLUMN: i64 = 150;
const ROW: i64 = 130;
const LANE_PAD: i64 = 25;

fn size(kind: &NodeKind) -> (i64, i64) {
    match kind {
        NodeKind::Step(_) | NodeKind::Escalation { .. } => (100, 80),
        NodeKind::Parallel | NodeKind::Exclusive => (50, 50),
        NodeKind::Start { .. } | NodeKind::End | NodeKind::Wait(_) | NodeKind::Boundary { .. } => {
            (36, 36)
        }
    }
}

/// A cell of the grid: lane, column, sub-row.
type Cell = (usize, usize, usize);

/// Lays the graph out.
#[must_use]
pub fn layout(g: &Graph) -> Layout {
    let n = g.nodes.len();
    // Columns: nodes are made in an order where every forward flow runs
    // from an earlier node to a later one.
    let mut column = vec![0usize; n];
    for (k, node) in g.nodes.iter().enumerate() {
        if let NodeKind::Boundary { host, .. } = node.kind {
            column[k] = column[host];
            continue;
        }
        for &f in &node.incoming {
            let flow = &g.flows[f];
            if !flow.back && flow.source < k {
                column[k] = column[k].max(column[flow.source] + 1);
            }
        }
    }
    // Sub-rows: a node takes its first predecessor's sub-row when that is
    // free in its lane and column, else the lowest free one.
    let mut used: std::collections::HashSet<Cell> = std::collections::HashSet::new();
    let mut row = vec![0usize; n];
    let mut rows_in_lane = vec![1usize; g.lanes.len()];
    let mut take = |lane: usize, col: usize, preferred: usize| {
        let r = if used.contains(&(lane, col, preferred)) {
            // One cell holds fewer sub-rows than there are cells taken.
            (0..=used.len())
                .find(|&r| !used.contains(&(lane, col, r)))
                .unwrap_or(0)
        } else {
            preferred
        };
        used.insert((lane, col, r));
        rows_in_lane[lane] = rows_in_lane[lane].max(r + 1);
        r
    };
    for (k, node) in g.nodes.iter().enumerate() {
        if let NodeKind::Boundary { host, .. } = node.kind {
            row[k] = row[host];
            continue;
        }
        let preferred = node
            .incoming
            .iter()
            .map(|&f| &g.flows[f])
            .find(|f| !f.back && f.source < k)
            .map_or(0, |f| {
                let source = match g.nodes[f.source].kind {
                    NodeKind::Boundary { host, .. } => host,
                    _ => f.source,
                };
                if g.nodes[source].lane == node.lane {
                    row[source] + usize::from(source != f.source)
                } else {
                    0
                }
            });
        row[k] = take(node.lane, column[k], preferred);
    }
    let mut data_row = vec![0usize; g.data.len()];
    for (k, d) in g.data.iter().enumerate() {
        let col = column[d.anchor];
        data_row[k] = take(d.lane, col, row[d.anchor] + 1);
    }
    let columns = column.iter().max().map_or(1, |c| c + 1);

    let pool_x = MARGIN;
    let pool_y = MARGIN;
    let content_x = pool_x + 2 * LABEL_BAND + MARGIN;
    let width = 2 * LABEL_BAND + MARGIN + i64::try_from(columns).unwrap_or(1) * COLUMN;
    let mut lanes = Vec::with_capacity(g.lanes.len());
    let mut y = pool_y;
    for &rows in &rows_in_lane {
        let h = i64::try_from(rows).unwrap_or(1) * ROW + 2 * LANE_PAD;
        lanes.push(Bounds {
            x: pool_x + LABEL_BAND,
            y,
            w: width - LABEL_BAND,
            h,
        });
        y += h;
    }
    let pool = Bounds {
        x: pool_x,
        y: pool_y,
        w: width,
        h: y - pool_y,
    };
    let center = |lane: usize, col: usize, r: usize| {
        let cx = content_x + i64::try_from(col).unwrap_or(0) * COLUMN + 50;
        let cy = lanes[lane].y + LANE_PAD + i64::try_from(r).unwrap_or(0) * ROW + 50;
        (cx, cy)
    };
    let mut nodes = Vec::with_capacity(n);
    for (k, node) in g.nodes.iter().enumerate() {
        let (w, h) = size(&node.kind);
        let b = if let NodeKind::Boundary { host, .. } = node.kind {
            let host: Bounds = nodes[host];
            Bounds::centered(host.x + host.w - 25, host.y + host.h, w, h)
        } else {
            let (cx, cy) = center(node.lane, column[k], row[k]);
            Bounds::centered(cx, cy, w, h)
        };
        nodes.push(b);
    }
    let data: Vec<Bounds> = g
        .data
        .iter()
        .enumerate()
        .map(|(k, d)| {
            let (cx, cy) = center(d.lane, column[d.anchor], data_row[k]);
            Bounds::centered(cx, cy, 36, 50)
        })
        .collect();

    let flows: Vec<Vec<(i64, i64)>> = g
        .flows
        .iter()
        .map(|f| {
            let (s, t) = (nodes[f.source], nodes[f.target]);
            if f.back || f.skip {
                // Under both shapes: down, across, up.
                let below = s.cy().max(t.cy()) + if f.back { 62 } else { 56 };
                return vec![
                    (s.cx(), s.y + s.h),
                    (s.cx(), below),
                    (t.cx(), below),
                    (t.cx(), t.y + t.h),
                ];
            }
            if matches!(g.nodes[f.source].kind, NodeKind::Boundary { .. }) {
                return vec![(s.cx(), s.y + s.h), (s.cx(), t.cy()), (t.x, t.cy())];
            }
            if s.cy() == t.cy() {
                return vec![(s.x + s.w, s.cy()), (t.x, t.cy())];
            }
            let mid = t.x - 25;
            vec![
                (s.x + s.w, s.cy()),
                (mid, s.cy()),
                (mid, t.cy()),
                (t.x, t.cy()),
            ]
        })
        .collect();
    let node_labels = g
        .nodes
        .iter()
        .zip(&nodes)
        .map(|(node, b)| {
            (matches!(node.kind, NodeKind::Exclusive) && node.name.is_some())
                .then(|| Bounds::centered(b.cx(), b.y - 24, 140, 40))
        })
        .collect();
    let flow_labels = g
        .flows
        .iter()
        .zip(&flows)
        .map(|(f, points): (_, &Vec<(i64, i64)>)| {
            (f.back || f.skip).then(|| {
                let (a, b) = (points[1], points[2]);
                Bounds {
                    x: (a.0 + b.0) / 2 - 40,
                    y: a.1 + 2,
                    w: 80,
                    h: 14,
                }
            })
        })
        .collect();
    let associations = g
        .associations
        .iter()
        .map(|a| {
            let (task, d) = (nodes[a.node], data[a.data]);
            let (from, to) = (border(task, d), border(d, task));
            if a.output {
                vec![from, to]
            } else {
                vec![to, from]
            }
        })
        .collect();
    Layout {
        pool,
        lanes,
        nodes,
        data,
        flows,
        associations,
        node_labels,
        flow_labels,
    }
}

/// The middle of the side of `b` that faces `other`.
fn border(b: Bounds, other: Bounds) -> (i64, i64) {
    let (dx, dy) = (other.cx() - b.cx(), other.cy() - b.cy());
    if dy.abs() >= dx.abs() {
        if dy >= 0 {
            (b.cx(), b.y + b.h)
        } else {
            (b.cx(), b.y)
        }
    } else if dx >= 0 {
        (b.x + b.w, b.cy())
    } else {
        (b.x, b.cy())
    }
}
