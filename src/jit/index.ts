/** `tsgrad.jit`: tracing a module's forward into a graph (`jit.trace`), which the ONNX and PyTorch exporters read. */
export { trace, graphToString, type TraceOptions, type DynamicAxes } from './trace';
export type { Dim, Graph, GraphConstant, GraphInput, GraphNode, GraphOutput, GraphState, ModuleCall, TraceAttr, ValueId, ValueInfo, ValueKind } from './graph';
export { toPyTorch, type PyTorchExport, type PyTorchExportOptions, type PyTorchLoss, type PyTorchOptimizer } from './pytorch';
