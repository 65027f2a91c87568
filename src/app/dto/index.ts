// The app layer's data transfer objects: one zod schema per concept, the types inferred from them. What the app
// returns (and the server and the dashboard will describe) is exactly these; readers of saved reports parse
// through them. See docs/architecture.md, "The app layer".
export { AnalysisSchema, type AnalysisDto } from './analysis.ts';
export { EquityPointSchema, type EquityPointDto } from './equity-point.ts';
export { FillSchema, SideSchema, fillDtoOf, type FillDto } from './fill.ts';
export { JsonFile, fieldPath, locateJson, parseDto } from './json-file.ts';
export { MetricsSchema, type MetricsDto } from './metrics.ts';
export { OrderSchema, RejectedOrderSchema, orderDtoOf, rejectedOrderDtoOf, type OrderDto, type RejectedOrderDto } from './order.ts';
export { PositionSchema, positionDtoOf, type PositionDto } from './position.ts';
export {
  BlotterRowSchema, BlotterSchema, BlotterTotalsSchema, Form13fEntrySchema, Form13fSchema, TcaOrderSchema, TcaSchema,
  type BlotterDto, type BlotterRowDto, type BlotterTotalsDto, type Form13fDto, type Form13fEntryDto, type TcaDto, type TcaOrderDto,
} from './reports.ts';
export {
  BenchmarkSchema, InstrumentParamsSchema, RiskEventSchema, RunParamsSchema, RunReportSchema, RunWarningSchema, StrategyErrorSchema, StrategyLogSchema,
  type InstrumentParamsDto, type RunParamsDto, type RunReport, type RunWarningDto,
} from './run-report.ts';
export { RunSummarySchema, runSummaryOf, type RunSummaryDto } from './run-summary.ts';
export { IsoTimeSchema, parseIsoTime } from './time.ts';
export { TradeSchema, tradeDtoOf, type TradeDto } from './trade.ts';
