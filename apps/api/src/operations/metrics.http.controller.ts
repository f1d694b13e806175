import { Controller, Get, Header } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Metrics } from './metrics';

/** GET /metrics in the Prometheus text format (not in the envelope: Prometheus reads it). */
@ApiTags('Operations')
@Controller('metrics')
export class MetricsHttpController {
  constructor(private readonly metrics: Metrics) {}

  @Get()
  @Header('content-type', 'text/plain; version=0.0.4; charset=utf-8')
  @ApiOperation({ summary: 'Prometheus metrics, in its text exposition format (0.0.4)', security: [] })
  @ApiProduces('text/plain')
  @ApiResponse({
    status: 200,
    description: 'The metrics (text/plain; version=0.0.4; charset=utf-8)',
    schema: { type: 'string', example: '# HELP onehazel_http_request_duration_seconds ...\n# TYPE onehazel_http_request_duration_seconds histogram\n' },
  })
  async scrape(): Promise<string> {
    return this.metrics.scrape();
  }
}
