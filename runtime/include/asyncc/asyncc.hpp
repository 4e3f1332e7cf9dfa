// Everything in the asyncc runtime.
#pragma once

#include <asyncc/async.hpp>
#include <asyncc/async_fd.hpp>
#include <asyncc/boxed.hpp>
#include <asyncc/channel.hpp>
#include <asyncc/executor.hpp>
#include <asyncc/file_descriptor.hpp>
#include <asyncc/future.hpp>
#include <asyncc/join.hpp>
#include <asyncc/join_set.hpp>
#include <asyncc/lines.hpp>
#include <asyncc/net.hpp>
#include <asyncc/oneshot.hpp>
#include <asyncc/reactor.hpp>
#include <asyncc/result.hpp>
#include <asyncc/runtime.hpp>
#include <asyncc/select.hpp>
#include <asyncc/socket_addr.hpp>
#include <asyncc/time.hpp>
#include <asyncc/yield_now.hpp>
