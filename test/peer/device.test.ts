import { describe, expect, it } from 'vitest';
import {
  cudaProviderLibrary,
  type DeviceProbe,
  gpuStatus,
  parseNvidiaSmi,
  resolveDevice,
} from '../../src/peer/model/session.js';

const H100 = [{ name: 'NVIDIA H100', memoryTotalMiB: 81559, memoryUsedMiB: 3, utilizationPct: 0 }];
const probe = (gpus: typeof H100 | null, provider: string | null): DeviceProbe => ({
  gpus: async () => gpus,
  cudaProvider: () => provider,
});

describe('--device selection', () => {
  it('on this machine: auto picks a device and says why; cuda without CUDA is a usage error (exit 2)', async () => {
    const gpus = await gpuStatus();
    const provider = cudaProviderLibrary();
    const auto = await resolveDevice('auto');
    if (gpus && provider) {
      expect(auto.device).toBe('cuda');
    } else {
      expect(auto.device).toBe('cpu');
      expect(auto.reason).toMatch(gpus ? /no CUDA provider/ : /no NVIDIA GPU found \(nvidia-smi not present/);
      await expect(resolveDevice('cuda')).rejects.toMatchObject({ code: 'E_NO_CUDA', exitCode: 2 });
    }
    expect((await resolveDevice('cpu')).device).toBe('cpu');
  });

  it('explains each missing piece', async () => {
    const noGpu = await resolveDevice('auto', probe(null, '/x/libonnxruntime_providers_cuda.so'));
    expect(noGpu).toMatchObject({ device: 'cpu', reason: expect.stringMatching(/nvidia-smi not present/) });
    const noProvider = await resolveDevice('auto', probe(H100, null));
    expect(noProvider).toMatchObject({
      device: 'cpu',
      reason: expect.stringMatching(/onnxruntime-node build has no CUDA provider/),
    });
    const err = await resolveDevice('cuda', probe(H100, null)).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'E_NO_CUDA', exitCode: 2 });
    expect((err as Error).message).toMatch(/no CUDA provider/);
    const ok = await resolveDevice('cuda', probe(H100, '/x/libonnxruntime_providers_cuda.so'));
    expect(ok).toMatchObject({
      device: 'cuda',
      reason: 'CUDA execution provider on NVIDIA H100',
      gpus: H100,
    });
    await expect(resolveDevice('tpu' as never, probe(null, null))).rejects.toMatchObject({ exitCode: 2 });
  });

  it('reads nvidia-smi CSV (name, memory total/used MiB, utilisation %)', async () => {
    expect(parseNvidiaSmi('NVIDIA H100 80GB HBM3, 81559, 1024, 37\nNVIDIA A10, 23028, 0, 0\n')).toEqual([
      { name: 'NVIDIA H100 80GB HBM3', memoryTotalMiB: 81559, memoryUsedMiB: 1024, utilizationPct: 37 },
      { name: 'NVIDIA A10', memoryTotalMiB: 23028, memoryUsedMiB: 0, utilizationPct: 0 },
    ]);
    expect(await gpuStatus('/nonexistent/nvidia-smi')).toBeNull();
  });
});
