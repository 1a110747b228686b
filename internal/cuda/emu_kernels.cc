//go:build videodit_cudaemu

// emu_kernels.cc: the kernels of kernels/all.cu compiled for the CPU with
// emu/emu.h, and vd_emu_launch, which runs one launch (emu_device.go).
#include "emu/emu.h"
#include "kernels/all.cu"

#include <condition_variable>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <mutex>
#include <thread>

#include "emu_kernels.h"

thread_local vd_dim3 threadIdx, blockIdx;
vd_dim3 blockDim, gridDim;
vd_emu_block vd_emu;

namespace {

int I(uint64_t a) { return (int)(uint32_t)a; }
long long L(uint64_t a) { return (long long)a; }
float F(uint64_t a) {
	uint32_t b = (uint32_t)a;
	float f;
	std::memcpy(&f, &b, 4);
	return f;
}
template <class T>
T* P(uint64_t a) { return reinterpret_cast<T*>((uintptr_t)a); }

struct kernel {
	const char* name;
	int nargs;
	void (*run)(const uint64_t* a);
};

const kernel kernels[] = {
	{"vd_binary", 7, [](const uint64_t* a) { vd_binary(I(a[0]), P<const float>(a[1]), P<const float>(a[2]), P<float>(a[3]), L(a[4]), I(a[5]), P<const long long>(a[6])); }},
	{"vd_unary", 5, [](const uint64_t* a) { vd_unary(I(a[0]), P<const float>(a[1]), P<float>(a[2]), L(a[3]), F(a[4])); }},
	{"vd_reduce_rows", 5, [](const uint64_t* a) { vd_reduce_rows(I(a[0]), P<const float>(a[1]), P<float>(a[2]), L(a[3]), I(a[4])); }},
	{"vd_reduce_cols", 6, [](const uint64_t* a) { vd_reduce_cols(I(a[0]), P<const float>(a[1]), P<float>(a[2]), L(a[3]), I(a[4]), L(a[5])); }},
	{"vd_softmax", 4, [](const uint64_t* a) { vd_softmax(P<const float>(a[0]), P<float>(a[1]), L(a[2]), I(a[3])); }},
	{"vd_layernorm", 7, [](const uint64_t* a) { vd_layernorm(P<const float>(a[0]), P<const float>(a[1]), P<const float>(a[2]), P<float>(a[3]), L(a[4]), I(a[5]), F(a[6])); }},
	{"vd_rmsnorm", 6, [](const uint64_t* a) { vd_rmsnorm(P<const float>(a[0]), P<const float>(a[1]), P<float>(a[2]), L(a[3]), I(a[4]), F(a[5])); }},
	{"vd_permute", 5, [](const uint64_t* a) { vd_permute(P<const float>(a[0]), P<float>(a[1]), L(a[2]), I(a[3]), P<const long long>(a[4])); }},
	{"vd_copy2d", 8, [](const uint64_t* a) { vd_copy2d(P<const float>(a[0]), L(a[1]), L(a[2]), P<float>(a[3]), L(a[4]), L(a[5]), L(a[6]), L(a[7])); }},
	{"vd_gather", 5, [](const uint64_t* a) { vd_gather(P<const float>(a[0]), P<const int>(a[1]), P<float>(a[2]), L(a[3]), L(a[4])); }},
	{"vd_sgemm", 15, [](const uint64_t* a) {
		 vd_sgemm(I(a[0]), I(a[1]), I(a[2]), I(a[3]), I(a[4]), P<const float>(a[5]), I(a[6]), L(a[7]),
		          P<const float>(a[8]), I(a[9]), L(a[10]), P<float>(a[11]), I(a[12]), L(a[13]), I(a[14]));
	 }},
	{"vd_attention", 12, [](const uint64_t* a) {
		 vd_attention(P<const float>(a[0]), P<const float>(a[1]), P<const float>(a[2]), P<const float>(a[3]), P<float>(a[4]),
		              I(a[5]), I(a[6]), I(a[7]), I(a[8]), I(a[9]), F(a[10]), I(a[11]));
	 }},
};

// workers keeps the threads of the emulated blocks alive across launches
// (creating 256 threads per launch would dominate the run time): run(n, f)
// calls f(t) on workers t < n and waits for them.
class workers {
public:
	void run(int n, const std::function<void(int)>& f) {
		while ((int)threads_.size() < n) {
			int t = (int)threads_.size();
			threads_.emplace_back([this, t] { loop(t); });
		}
		{
			std::lock_guard<std::mutex> l(mu_);
			job_ = &f;
			active_ = n;
			remaining_ = n;
			gen_++;
		}
		start_.notify_all();
		std::unique_lock<std::mutex> l(mu_);
		done_.wait(l, [&] { return remaining_ == 0; });
	}

private:
	void loop(int t) {
		uint64_t seen = 0;
		for (;;) {
			const std::function<void(int)>* job;
			{
				std::unique_lock<std::mutex> l(mu_);
				start_.wait(l, [&] { return gen_ != seen; });
				seen = gen_;
				if (t >= active_) continue;
				job = job_;
			}
			(*job)(t);
			std::lock_guard<std::mutex> l(mu_);
			if (--remaining_ == 0) done_.notify_one();
		}
	}

	std::mutex mu_;
	std::condition_variable start_, done_;
	std::vector<std::thread> threads_;
	const std::function<void(int)>* job_ = nullptr;
	uint64_t gen_ = 0;
	int active_ = 0, remaining_ = 0;
};

// The pool lives until the process ends (never destroyed: its threads stay
// joinable).
workers* pool = new workers;

} // namespace

extern "C" int vd_emu_launch(const char* name, int gx, int gy, int gz, int bx, int by, int bz, int shared,
                             const uint64_t* args, int nargs) {
	const kernel* k = nullptr;
	for (const kernel& c : kernels)
		if (std::strcmp(c.name, name) == 0) k = &c;
	if (k == nullptr) return VD_EMU_UNKNOWN_KERNEL;
	if (k->nargs != nargs) return VD_EMU_BAD_ARGS;
	if (by != 1 || bz != 1 || bx % 32 != 0 || bx <= 0 || bx > 1024) return VD_EMU_BAD_BLOCK;
	blockDim = {(unsigned)bx, 1, 1};
	gridDim = {(unsigned)gx, (unsigned)gy, (unsigned)gz};
	std::barrier<> bar(bx);
	std::vector<vd_emu_warp> warps(bx / 32);
	std::vector<unsigned char> dyn(shared > 0 ? shared : 1);
	vd_emu = {&bar, &warps, dyn.data()};
	pool->run(bx, [&](int t) {
		threadIdx = {(unsigned)t, 0, 0};
		for (int z = 0; z < gz; z++)
			for (int y = 0; y < gy; y++)
				for (int x = 0; x < gx; x++) {
					blockIdx = {(unsigned)x, (unsigned)y, (unsigned)z};
					k->run(args);
					bar.arrive_and_wait(); // the next block reuses the shared statics
				}
	});
	return 0;
}

extern "C" void vd_emu_free(uintptr_t p) { std::free((void*)p); }

extern "C" void vd_emu_copy(uintptr_t dst, uintptr_t src, size_t n) {
	std::memcpy((void*)dst, (const void*)src, n);
}
