package ai.unison.engine;

import java.util.Collection;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A worker thread's queue of tickets under one lock: producers {@link #offer}, the worker waits on
 * {@link #ready} while holding {@link #lock}, and {@link #stop} wakes it for good. Tickets offered
 * after stopping, or still queued when the worker ends ({@link #releaseAll}), are released.
 */
final class Inbox<C extends Collection<Ticket>> {
    final ReentrantLock lock = new ReentrantLock();
    final Condition ready = lock.newCondition();
    final C tickets;
    private boolean stopping;

    Inbox(C tickets) {
        this.tickets = tickets;
    }

    void offer(Ticket t) {
        lock.lock();
        try {
            if (stopping) {
                t.release();
                return;
            }
            tickets.add(t);
            ready.signal();
        } finally {
            lock.unlock();
        }
    }

    void stop() {
        lock.lock();
        try {
            stopping = true;
            ready.signal();
        } finally {
            lock.unlock();
        }
    }

    /** Whether {@link #stop} was called; read with {@link #lock} held. */
    boolean stopping() {
        return stopping;
    }

    void releaseAll() {
        lock.lock();
        try {
            tickets.forEach(Ticket::release);
            tickets.clear();
        } finally {
            lock.unlock();
        }
    }
}
