//! Cycles among steps. Every dependency edge (a reference or a `depends_on`) is lifted to
//! the two sibling steps it connects at their common nesting level; a cycle among siblings
//! means no order can run them. Each strongly connected component is reported once, as one
//! concrete cycle with a label on every edge.

use rustc_hash::FxHashMap as HashMap;

use pipec_diagnostics::{Code, Diagnostic, Diagnostics};

use super::resolve::{Edge, EdgeKind, Resolution};
use super::table::{StepIdx, StepTable};

/// Report step cycles.
pub fn check(resolution: &Resolution<'_>, diagnostics: &mut Diagnostics) {
    let table = &resolution.table;
    let lifted: Vec<(StepIdx, StepIdx, &Edge)> = resolution
        .edges
        .iter()
        .filter_map(|edge| table.lift(edge.from, edge.to).map(|(a, b)| (a, b, edge)))
        .filter(|(a, b, _)| a != b)
        .collect();
    // Siblings are numbered in order, so a cycle needs at least one edge to a later sibling.
    // Most pipelines have none: no graph to build.
    if lifted.iter().all(|(a, b, _)| b < a) {
        return;
    }
    // Sibling-level graph: node -> [(neighbour, edge)].
    let mut graph: HashMap<StepIdx, Vec<(StepIdx, &Edge)>> = HashMap::default();
    for (a, b, edge) in lifted {
        graph.entry(a).or_default().push((b, edge));
    }
    if graph.is_empty() {
        return;
    }
    for component in strongly_connected(&graph) {
        if component.len() < 2 {
            continue;
        }
        let cycle = find_cycle(&graph, &component);
        report(table, &cycle, diagnostics);
    }
}

/// Tarjan's algorithm, iterative so deep chains cannot overflow the stack. Components come
/// out sorted by their smallest index, so output is deterministic.
fn strongly_connected(graph: &HashMap<StepIdx, Vec<(StepIdx, &Edge)>>) -> Vec<Vec<StepIdx>> {
    let mut nodes: Vec<StepIdx> = graph.keys().copied().collect();
    nodes.sort_unstable();
    let mut index: HashMap<StepIdx, usize> = HashMap::default();
    let mut low: HashMap<StepIdx, usize> = HashMap::default();
    let mut on_stack: HashMap<StepIdx, bool> = HashMap::default();
    let mut stack: Vec<StepIdx> = Vec::new();
    let mut components = Vec::new();
    let mut counter = 0usize;
    for &root in &nodes {
        if index.contains_key(&root) {
            continue;
        }
        let mut work: Vec<(StepIdx, usize)> = vec![(root, 0)];
        index.insert(root, counter);
        low.insert(root, counter);
        counter += 1;
        stack.push(root);
        on_stack.insert(root, true);
        while let Some(&mut (node, ref mut next)) = work.last_mut() {
            let neighbours = graph.get(&node).map_or(&[][..], Vec::as_slice);
            if let Some(&(w, _)) = neighbours.get(*next) {
                *next += 1;
                if let std::collections::hash_map::Entry::Vacant(e) = index.entry(w) {
                    e.insert(counter);
                    low.insert(w, counter);
                    counter += 1;
                    stack.push(w);
                    on_stack.insert(w, true);
                    work.push((w, 0));
                } else if on_stack.get(&w).copied().unwrap_or(false) {
                    let lw = index[&w];
                    let entry = low.entry(node).or_insert(lw);
                    *entry = (*entry).min(lw);
                }
                continue;
            }
            work.pop();
            if let Some(&(parent, _)) = work.last() {
                let ln = low[&node];
                let entry = low.entry(parent).or_insert(ln);
                *entry = (*entry).min(ln);
            }
            if low[&node] == index[&node] {
                let mut component = Vec::new();
                while let Some(w) = stack.pop() {
                    on_stack.insert(w, false);
                    component.push(w);
                    if w == node {
                        break;
                    }
                }
                component.sort_unstable();
                components.push(component);
            }
        }
    }
    components.sort_by_key(|c| c.first().copied());
    components
}

/// One concrete cycle inside a component, starting at its smallest step, as edges.
fn find_cycle<'e>(
    graph: &HashMap<StepIdx, Vec<(StepIdx, &'e Edge)>>,
    component: &[StepIdx],
) -> Vec<(StepIdx, StepIdx, &'e Edge)> {
    let start = component[0];
    let member = |n: StepIdx| component.binary_search(&n).is_ok();
    // Breadth-first search back to `start` gives a shortest cycle.
    let mut came_from: HashMap<StepIdx, (StepIdx, &Edge)> = HashMap::default();
    let mut queue = std::collections::VecDeque::from([start]);
    while let Some(node) = queue.pop_front() {
        for &(next, edge) in graph.get(&node).map_or(&[][..], Vec::as_slice) {
            if !member(next) {
                continue;
            }
            if next == start {
                let mut path = vec![(node, next, edge)];
                let mut at = node;
                while at != start {
                    let Some(&(prev, e)) = came_from.get(&at) else {
                        break;
                    };
                    path.push((prev, at, e));
                    at = prev;
                }
                path.reverse();
                return path;
            }
            if let std::collections::hash_map::Entry::Vacant(slot) = came_from.entry(next) {
                slot.insert((node, edge));
                queue.push_back(next);
            }
        }
    }
    Vec::new()
}

fn report(
    table: &StepTable<'_>,
    cycle: &[(StepIdx, StepIdx, &Edge)],
    diagnostics: &mut Diagnostics,
) {
    let Some(&(first, _, _)) = cycle.first() else {
        return;
    };
    let name = |i: StepIdx| table.rows[i].step.id.text.as_str();
    let chain: Vec<&str> = cycle
        .iter()
        .map(|(a, _, _)| name(*a))
        .chain(std::iter::once(name(first)))
        .collect();
    let mut diagnostic = Diagnostic::new(
        Code::P0300,
        table.rows[first].step.id.span,
        format!("steps form a cycle: {}", chain.join(" → ")),
    )
    .with_primary_label(format!("`{}` is part of the cycle", name(first)));
    for (a, b, edge) in cycle {
        let verb = match edge.kind {
            EdgeKind::Data => "reads",
            EdgeKind::DependsOn => "depends on",
        };
        diagnostic = diagnostic.with_label(
            edge.span,
            format!("`{}` {verb} `{}` here", name(*a), name(*b)),
        );
    }
    diagnostics
        .push(diagnostic.with_help("break the cycle: one of these steps must not need the other"));
}
