#pragma once

// Clang thread-safety analysis attributes (no-ops elsewhere) and an annotated mutex. Lock order
// across modules is kept in docs/lock-order.md.

#include <mutex>

#if defined(__clang__)
#define ORBIT_TSA(x) __attribute__((x))
#else
#define ORBIT_TSA(x)
#endif

#define ORBIT_CAPABILITY(x) ORBIT_TSA(capability(x))
#define ORBIT_SCOPED_CAPABILITY ORBIT_TSA(scoped_lockable)
#define ORBIT_GUARDED_BY(x) ORBIT_TSA(guarded_by(x))
#define ORBIT_PT_GUARDED_BY(x) ORBIT_TSA(pt_guarded_by(x))
#define ORBIT_REQUIRES(...) ORBIT_TSA(requires_capability(__VA_ARGS__))
#define ORBIT_EXCLUDES(...) ORBIT_TSA(locks_excluded(__VA_ARGS__))
#define ORBIT_ACQUIRE(...) ORBIT_TSA(acquire_capability(__VA_ARGS__))
#define ORBIT_RELEASE(...) ORBIT_TSA(release_capability(__VA_ARGS__))
#define ORBIT_NO_THREAD_SAFETY_ANALYSIS ORBIT_TSA(no_thread_safety_analysis)

namespace orbit {

class ORBIT_CAPABILITY("mutex") Mutex {
 public:
  void Lock() ORBIT_ACQUIRE() { mu_.lock(); }
  void Unlock() ORBIT_RELEASE() { mu_.unlock(); }
  std::mutex& native() { return mu_; }

 private:
  std::mutex mu_;
};

class ORBIT_SCOPED_CAPABILITY MutexLock {
 public:
  explicit MutexLock(Mutex& mu) ORBIT_ACQUIRE(mu) : mu_(mu) { mu_.Lock(); }
  ~MutexLock() ORBIT_RELEASE() { mu_.Unlock(); }
  MutexLock(const MutexLock&) = delete;
  MutexLock& operator=(const MutexLock&) = delete;

 private:
  Mutex& mu_;
};

}  // namespace orbit
