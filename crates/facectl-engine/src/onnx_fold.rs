//! ONNX protobuf rewriting: folds constant `DequantizeLinear` nodes (including opset-21 blocked
//! quantization with `block_size`, which tract 0.23 cannot run) into float32 initializers.

use std::collections::{HashMap, HashSet};

use tract_onnx::pb::{GraphProto, NodeProto, TensorProto};

const FLOAT: i32 = 1;
const UINT8: i32 = 2;
const INT8: i32 = 3;
const INT32: i32 = 6;

/// Statistics of one folding run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FoldStats {
    /// `DequantizeLinear` nodes replaced by initializers.
    pub folded: usize,
    /// Graph inputs removed because an initializer now provides them.
    pub inputs_dropped: usize,
}

/// Replaces every `DequantizeLinear` whose inputs are all initializers by a float32 initializer
/// `(q - zero_point) * scale`, then drops graph inputs that are provided by an initializer or node, or unused.
pub fn fold_dequantize(graph: &mut GraphProto) -> Result<FoldStats, String> {
    let mut stats = FoldStats::default();
    let mut init_index: HashMap<String, usize> = graph
        .initializer
        .iter()
        .enumerate()
        .map(|(i, t)| (t.name.clone(), i))
        .collect();
    let mut keep: Vec<NodeProto> = Vec::with_capacity(graph.node.len());
    let nodes = std::mem::take(&mut graph.node);
    for node in nodes {
        let foldable = node.op_type == "DequantizeLinear"
            && (node.domain.is_empty() || node.domain == "ai.onnx")
            && node.output.len() == 1
            && !node.input.is_empty()
            && node
                .input
                .iter()
                .all(|i| i.is_empty() || init_index.contains_key(i));
        if !foldable {
            keep.push(node);
            continue;
        }
        let get = |k: usize| -> Option<&TensorProto> {
            node.input
                .get(k)
                .filter(|n| !n.is_empty())
                .and_then(|n| init_index.get(n))
                .and_then(|&i| graph.initializer.get(i))
        };
        let q = get(0).ok_or_else(|| format!("node {}: missing quantized input", node.name))?;
        let scale = get(1).ok_or_else(|| format!("node {}: missing scale", node.name))?;
        let zp = get(2);
        let axis = attr_i(&node, "axis").unwrap_or(1);
        let block = attr_i(&node, "block_size").unwrap_or(0);
        let mut folded = dequantize(q, scale, zp, axis, block)
            .map_err(|e| format!("node {} ({}): {e}", node.name, node.output[0]))?;
        folded.name = node.output[0].clone();
        graph.initializer.push(folded);
        init_index.insert(node.output[0].clone(), graph.initializer.len() - 1);
        stats.folded += 1;
    }
    graph.node = keep;

    // Drop initializers nothing uses any more (the int8 tensors) to save memory.
    let used: HashSet<&str> = graph
        .node
        .iter()
        .flat_map(|n| n.input.iter().map(String::as_str))
        .chain(graph.output.iter().map(|o| o.name.as_str()))
        .collect();
    let inits = std::mem::take(&mut graph.initializer);
    graph.initializer = inits
        .into_iter()
        .filter(|t| used.contains(t.name.as_str()))
        .collect();

    // Graph inputs that an initializer or a node provides, or that nothing consumes, are not
    // real inputs (SFace lists its original float weight names as dangling inputs).
    let provided: HashSet<String> = graph
        .initializer
        .iter()
        .map(|t| t.name.clone())
        .chain(graph.node.iter().flat_map(|n| n.output.iter().cloned()))
        .collect();
    let before = graph.input.len();
    let consumed: HashSet<&str> = graph
        .node
        .iter()
        .flat_map(|n| n.input.iter().map(String::as_str))
        .collect();
    let consumed: HashSet<String> = consumed.into_iter().map(str::to_string).collect();
    graph
        .input
        .retain(|i| !provided.contains(&i.name) && consumed.contains(&i.name));
    stats.inputs_dropped = before - graph.input.len();
    Ok(stats)
}

fn attr_i(node: &NodeProto, name: &str) -> Option<i64> {
    node.attribute.iter().find(|a| a.name == name).map(|a| a.i)
}

fn ints(t: &TensorProto) -> Result<Vec<i32>, String> {
    let n: usize = t.dims.iter().map(|&d| d.max(0) as usize).product();
    let v: Vec<i32> = match t.data_type {
        INT8 if !t.raw_data.is_empty() => t.raw_data.iter().map(|&b| i32::from(b as i8)).collect(),
        UINT8 if !t.raw_data.is_empty() => t.raw_data.iter().map(|&b| i32::from(b)).collect(),
        INT32 if !t.raw_data.is_empty() => t
            .raw_data
            .chunks_exact(4)
            .map(|c| i32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect(),
        INT8 | UINT8 | INT32 => t.int32_data.clone(),
        other => {
            return Err(format!(
                "tensor {}: unsupported quantized type {other}",
                t.name
            ))
        }
    };
    if v.len() != n {
        return Err(format!(
            "tensor {}: {} values for shape {:?}",
            t.name,
            v.len(),
            t.dims
        ));
    }
    Ok(v)
}

fn floats(t: &TensorProto) -> Result<Vec<f32>, String> {
    if t.data_type != FLOAT {
        return Err(format!(
            "tensor {}: scale type {} is not float32",
            t.name, t.data_type
        ));
    }
    let v: Vec<f32> = if !t.raw_data.is_empty() {
        t.raw_data
            .chunks_exact(4)
            .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect()
    } else {
        t.float_data.clone()
    };
    let n: usize = t.dims.iter().map(|&d| d.max(0) as usize).product();
    if v.len() != n {
        return Err(format!(
            "tensor {}: {} values for shape {:?}",
            t.name,
            v.len(),
            t.dims
        ));
    }
    Ok(v)
}

/// `(q - zp) * scale` following ONNX DequantizeLinear (opset 21) broadcasting rules:
/// per-tensor (one scale), per-axis (1-D scale along `axis`) or blocked (`block_size > 0`).
fn dequantize(
    q: &TensorProto,
    scale: &TensorProto,
    zp: Option<&TensorProto>,
    axis: i64,
    block: i64,
) -> Result<TensorProto, String> {
    let qv = ints(q)?;
    let sv = floats(scale)?;
    let zv = match zp {
        Some(z) => ints(z)?,
        None => vec![0; sv.len()],
    };
    if zv.len() != sv.len() {
        return Err(format!(
            "zero point has {} values, scale {}",
            zv.len(),
            sv.len()
        ));
    }
    let dims: Vec<usize> = q.dims.iter().map(|&d| d.max(0) as usize).collect();
    let rank = dims.len() as i64;
    let mut out = vec![0f32; qv.len()];
    if sv.len() == 1 {
        for (o, &v) in out.iter_mut().zip(&qv) {
            *o = (v - zv[0]) as f32 * sv[0];
        }
    } else {
        let ax = if axis < 0 { axis + rank } else { axis };
        if ax < 0 || ax >= rank {
            return Err(format!("axis {axis} out of range for rank {rank}"));
        }
        let ax = ax as usize;
        let outer: usize = dims[..ax].iter().product();
        let n_ax = dims[ax];
        let inner: usize = dims[ax + 1..].iter().product();
        if block > 0 {
            let b = block as usize;
            let n_blocks = n_ax.div_ceil(b);
            // scale shape = q shape with dims[axis] replaced by n_blocks
            if sv.len() != outer * n_blocks * inner {
                return Err(format!(
                    "blocked scale has {} values, expected {} (q {:?}, axis {ax}, block {b})",
                    sv.len(),
                    outer * n_blocks * inner,
                    dims
                ));
            }
            for o in 0..outer {
                for a in 0..n_ax {
                    let sb = (o * n_blocks + a / b) * inner;
                    let qb = (o * n_ax + a) * inner;
                    for i in 0..inner {
                        out[qb + i] = (qv[qb + i] - zv[sb + i]) as f32 * sv[sb + i];
                    }
                }
            }
        } else {
            if sv.len() != n_ax {
                return Err(format!(
                    "per-axis scale has {} values, axis {ax} has {n_ax}",
                    sv.len()
                ));
            }
            for o in 0..outer {
                for a in 0..n_ax {
                    let qb = (o * n_ax + a) * inner;
                    for i in 0..inner {
                        out[qb + i] = (qv[qb + i] - zv[a]) as f32 * sv[a];
                    }
                }
            }
        }
    }
    Ok(TensorProto {
        dims: q.dims.clone(),
        data_type: FLOAT,
        raw_data: out.iter().flat_map(|f| f.to_le_bytes()).collect(),
        ..Default::default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t_i8(name: &str, dims: &[i64], v: &[i8]) -> TensorProto {
        TensorProto {
            name: name.into(),
            dims: dims.to_vec(),
            data_type: INT8,
            raw_data: v.iter().map(|&x| x as u8).collect(),
            ..Default::default()
        }
    }
    fn t_f(name: &str, dims: &[i64], v: &[f32]) -> TensorProto {
        TensorProto {
            name: name.into(),
            dims: dims.to_vec(),
            data_type: FLOAT,
            float_data: v.to_vec(),
            ..Default::default()
        }
    }
    fn f32s(t: &TensorProto) -> Vec<f32> {
        floats(t).expect("float tensor")
    }

    #[test]
    fn blocked_along_axis1() {
        // q: 2x4, block 2 along axis 1 -> scale 2x2
        let q = t_i8("q", &[2, 4], &[1, 2, 3, 4, -1, -2, -3, -4]);
        let s = t_f("s", &[2, 2], &[1.0, 10.0, 0.5, 2.0]);
        let z = t_i8("z", &[2, 2], &[0, 1, 0, -1]);
        let r = dequantize(&q, &s, Some(&z), 1, 2).expect("ok");
        assert_eq!(f32s(&r), vec![1.0, 2.0, 20.0, 30.0, -0.5, -1.0, -4.0, -6.0]);
    }

    #[test]
    fn blocked_along_axis0_1d() {
        // like SFace's pre_fc1_bias: [4] with block 2 along axis 0 -> scale [2]
        let q = t_i8("q", &[4], &[1, 2, 3, 4]);
        let s = t_f("s", &[2], &[1.0, 3.0]);
        let r = dequantize(&q, &s, None, 0, 2).expect("ok");
        assert_eq!(f32s(&r), vec![1.0, 2.0, 9.0, 12.0]);
    }

    #[test]
    fn per_tensor_and_per_axis() {
        let q = t_i8("q", &[2, 2], &[1, 2, 3, 4]);
        let r = dequantize(&q, &t_f("s", &[], &[2.0]), None, 1, 0).expect("ok");
        assert_eq!(f32s(&r), vec![2.0, 4.0, 6.0, 8.0]);
        let r = dequantize(&q, &t_f("s", &[2], &[1.0, -1.0]), None, 0, 0).expect("ok");
        assert_eq!(f32s(&r), vec![1.0, 2.0, -3.0, -4.0]);
        assert!(dequantize(&q, &t_f("s", &[3], &[1.0, 1.0, 1.0]), None, 0, 0).is_err());
    }
}
